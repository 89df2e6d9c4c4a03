package assess

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"ties"
	"ties/exposure"
)

// Proposal is a named set of key personnel with the date it is reviewed
// for (its submission date).
type Proposal struct {
	ID        string      `json:"id"`
	Title     string      `json:"title,omitempty"`
	Submitted ties.Date   `json:"submitted,omitzero"`
	Personnel []KeyPerson `json:"key_personnel"`
	File      string      `json:"file,omitempty"`
}

// KeyPerson is one person of a proposal as the file names them: a graph
// id, an identifier ("orcid:...", "openalex:A...") or an exact name.
type KeyPerson struct {
	Ref  string `json:"ref"`
	Role string `json:"role,omitempty"`
	Line int    `json:"line"`
}

// ParseProposal reads a proposal file (YAML):
//
//	proposal: N00014-26-S-B001-ties
//	title: "Distributed training at scale"
//	submitted: 2026-06-01
//	key_personnel:
//	  - person: miao-houshan
//	    role: PI
func ParseProposal(r io.Reader, file string) (*Proposal, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, &ties.InputError{File: file, Err: err}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &ties.InputError{File: file, Line: 1, Err: errors.New("want a mapping with proposal, title, submitted and key_personnel")}
	}
	errAt := func(n *yaml.Node, field, format string, args ...any) error {
		return &ties.InputError{File: file, Line: n.Line, Field: field, Err: fmt.Errorf(format, args...)}
	}
	root := doc.Content[0]
	p := &Proposal{File: file}
	var people *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == "key_personnel" {
			people = v
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return nil, errAt(v, k.Value, "want a single value")
		}
		switch k.Value {
		case "proposal":
			p.ID = strings.TrimSpace(v.Value)
		case "title":
			p.Title = v.Value
		case "submitted":
			d, err := ties.ParseDate(v.Value)
			if err != nil {
				return nil, errAt(v, k.Value, "%v", err)
			}
			p.Submitted = d
		default:
			return nil, errAt(k, k.Value, "unknown proposal setting (want proposal, title, submitted, key_personnel)")
		}
	}
	if p.ID == "" {
		return nil, errAt(root, "proposal", "missing: the proposal's id or number")
	}
	if people == nil || people.Kind != yaml.SequenceNode || len(people.Content) == 0 {
		return nil, errAt(root, "key_personnel", "want a list of key personnel (each: person, role)")
	}
	for _, n := range people.Content {
		kp := KeyPerson{Line: n.Line}
		switch n.Kind {
		case yaml.ScalarNode:
			kp.Ref = strings.TrimSpace(n.Value)
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind != yaml.ScalarNode {
					return nil, errAt(v, k.Value, "want a single value")
				}
				switch k.Value {
				case "person":
					kp.Ref = strings.TrimSpace(v.Value)
				case "role":
					kp.Role = v.Value
				default:
					return nil, errAt(k, k.Value, "unknown key personnel setting (want person, role)")
				}
			}
		default:
			return nil, errAt(n, "key_personnel", "want a person (id, orcid:..., or name) or a mapping with person and role")
		}
		if kp.Ref == "" {
			return nil, errAt(n, "person", "missing: who the key person is")
		}
		p.Personnel = append(p.Personnel, kp)
	}
	return p, nil
}

// ProposalAssessment is the review of a proposal: each key person's, and
// the most severe outcome among them.
type ProposalAssessment struct {
	Proposal  Proposal          `json:"proposal"`
	AsOf      exposure.NullDate `json:"as_of"`
	Matrix    MatrixRef         `json:"matrix"`
	Outcome   Outcome           `json:"outcome"`
	DecidedBy []string          `json:"decided_by"` // "person: factor"
	People    []PersonRole      `json:"people"`
}

// PersonRole is a key person's role and assessment.
type PersonRole struct {
	Role       string     `json:"role,omitempty"`
	Assessment Assessment `json:"assessment"`
}

// AssessProposal assesses every key person of p; resolve turns what the
// file names into a graph id. An unknown person is an error naming the
// file and line.
func AssessProposal(in Input, p *Proposal, resolve func(ref string) (string, error)) (ProposalAssessment, error) {
	pa := ProposalAssessment{Proposal: *p, AsOf: exposure.NullDate{Date: in.AsOf}, Matrix: matrixRef(in.Matrix), DecidedBy: []string{}, People: []PersonRole{}}
	ev := newEvaluator(in)
	for _, kp := range p.Personnel {
		id, err := resolve(kp.Ref)
		if err != nil {
			return pa, &ties.InputError{File: p.File, Line: kp.Line, Field: "person", Err: err}
		}
		a := ev.person(id)
		pa.People = append(pa.People, PersonRole{Role: kp.Role, Assessment: a})
		pa.Outcome = max(pa.Outcome, a.Outcome)
	}
	for _, pr := range pa.People {
		if pr.Assessment.Outcome == pa.Outcome && pa.Outcome != NoAction {
			for _, f := range pr.Assessment.DecidedBy {
				pa.DecidedBy = append(pa.DecidedBy, pr.Assessment.Person+": "+f)
			}
		}
	}
	return pa, nil
}
