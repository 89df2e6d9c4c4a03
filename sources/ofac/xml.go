package ofac

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"path"
	"strings"

	"ties"
	"ties/sources"
	"ties/sources/internal/country"
)

// XML reading: OFAC publishes both lists in the "sdnList" XML schema
// (sdn.xml for the SDN list, consolidated.xml for the non-SDN lists), the
// form OFAC updates first. ParseXML makes the same records as Parse does
// from the CSV set of the same list: the entity id is "ofac:<uid>" (the
// uid of an entry is its CSV ent_num), names are written "LAST, First" as
// in the CSV, and the list a non-SDN entry is put on follows its programs
// in the same way. A user can thus switch between the two forms without
// losing reviews or links, which are keyed by entity id.

// xmlNode is one element of an entry with the line it starts on, so that
// errors can name the line of the field at fault.
type xmlNode struct {
	name     string
	line     int
	text     string
	children []*xmlNode
}

func (n *xmlNode) child(name string) *xmlNode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// get is the trimmed text of the first child named name ("" if none).
func (n *xmlNode) get(name string) string {
	if c := n.child(name); c != nil {
		return strings.TrimSpace(c.text)
	}
	return ""
}

// all returns the grandchildren named item under the child named list
// (<akaList><aka/>...</akaList>).
func (n *xmlNode) all(list, item string) []*xmlNode {
	var out []*xmlNode
	for _, c := range n.children {
		if c.name != list {
			continue
		}
		for _, g := range c.children {
			if g.name == item {
				out = append(out, g)
			}
		}
	}
	return out
}

// IsNonSDNXML guesses from a file name whether an OFAC XML file is the
// consolidated non-SDN list ("consolidated.xml", "cons_*.xml") rather
// than the SDN list ("sdn.xml"); both files have the same root element.
func IsNonSDNXML(name string) bool {
	return strings.Contains(strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/"))), "cons")
}

// ParseXML reads an OFAC XML file (root element <sdnList>). nonSDN says the
// file is the consolidated non-SDN list; ParseXMLFile guesses it from the
// name. Entries are decoded one at a time. Iteration stops after the first
// error, a *sources.Error naming file, line and field.
//
// The consolidated file lists an entry once per program group at times
// (uid 15268 appears under "561List" and "561-Related"): consecutive
// entries with the same uid become one record whose programs are the
// union.
func ParseXML(r io.Reader, file string, nonSDN bool) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		lr := sources.NewLineReader(r)
		d := xml.NewDecoder(lr)
		d.CharsetReader = charsetReader
		fail := func(line int, field string, err error) {
			yield(ties.Record{}, &sources.Error{File: file, Line: line, Field: field, Err: err})
		}
		line := func() int { return lr.Line(d.InputOffset()) }
		depth, rows := 0, 0
		var held *ties.Record // the last entry, held back in case the next has the same uid
		var heldPrograms []string
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fail(line(), "", xmlErr(err))
				return
			}
			switch t := tok.(type) {
			case xml.StartElement:
				depth++
				if depth == 1 {
					if t.Name.Local != "sdnList" {
						fail(line(), "", fmt.Errorf("root element is <%s>, want <sdnList> (an OFAC XML file)", t.Name.Local))
						return
					}
					continue
				}
				if depth != 2 || t.Name.Local != "sdnEntry" {
					if depth == 2 {
						if err := d.Skip(); err != nil {
							fail(line(), "", xmlErr(err))
							return
						}
						depth--
					}
					continue
				}
				entry, err := readNode(d, t, line(), line)
				depth--
				if err != nil {
					fail(line(), "", xmlErr(err))
					return
				}
				rec, programs, fieldLine, field, err := buildXML(entry, nonSDN)
				if err != nil {
					fail(fieldLine, field, err)
					return
				}
				rows++
				if held != nil && held.Entity.ID == rec.Entity.ID {
					heldPrograms = mergePrograms(heldPrograms, programs)
					setPrograms(held, heldPrograms, nonSDN)
					continue
				}
				if held != nil && !yield(*held, nil) {
					return
				}
				held, heldPrograms = &rec, programs
			case xml.EndElement:
				depth--
			}
		}
		if rows == 0 {
			fail(0, "", errors.New("no <sdnEntry> elements (is this an OFAC XML file?)"))
			return
		}
		if held != nil {
			yield(*held, nil)
		}
	}
}

// ParseXMLFile is ParseXML with the SDN/non-SDN choice made from the file
// name (see IsNonSDNXML).
func ParseXMLFile(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	return ParseXML(r, file, IsNonSDNXML(file))
}

// readNode reads the element start has opened into a tree.
func readNode(d *xml.Decoder, start xml.StartElement, startLine int, line func() int) (*xmlNode, error) {
	root := &xmlNode{name: start.Name.Local, line: startLine}
	stack := []*xmlNode{root}
	var text bytes.Buffer
	for len(stack) > 0 {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, line: line()}
			top.children = append(top.children, n)
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(top.children) == 0 {
				top.text = text.String()
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 64 {
			return nil, errors.New("elements nested too deep")
		}
	}
	return root, nil
}

func xmlErr(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("XML syntax: %s", se.Msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of file (truncated download?)")
	}
	return err
}

// charsetReader accepts the encodings an OFAC file may declare besides
// UTF-8.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	case "windows-1252", "cp1252", "iso-8859-1", "latin1":
		return &windows1252Reader{r: bufio.NewReader(r)}, nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q", label)
}

// buildXML makes the record of one <sdnEntry>; on error it names the line
// and element at fault.
func buildXML(n *xmlNode, nonSDN bool) (rec ties.Record, programs []string, line int, field string, err error) {
	at := func(name string) int {
		if c := n.child(name); c != nil {
			return c.line
		}
		return n.line
	}
	uid := n.get("uid")
	if uid == "" || strings.Trim(uid, "0123456789") != "" {
		return rec, nil, at("uid"), "uid", fmt.Errorf("uid %q is not a number", uid)
	}
	e := ties.Entity{ID: "ofac:" + uid}
	kindField := "sdnType"
	kind := n.get(kindField)
	if n.child(kindField) == nil && n.child("nspType") != nil {
		kindField = "nspType"
		kind = n.get(kindField)
	}
	switch strings.ToLower(kind) {
	case "individual":
		e.Kind = ties.KindPerson
	case "vessel":
		e.Kind = ties.KindVessel
	case "aircraft":
		e.Kind = ties.KindAircraft
	case "entity", "":
		e.Kind = ties.KindOrganization
	default:
		return rec, nil, at(kindField), kindField, fmt.Errorf("unknown entry type %q", kind)
	}
	name := fullName(n)
	if name == "" {
		return rec, nil, at("lastName"), "lastName", errors.New("empty name")
	}
	e.Names = append(e.Names, ties.Name{Text: name, Type: ties.NamePrimary})
	seen := map[string]bool{name: true}
	addName := func(nm ties.Name) {
		if nm.Text == "" || seen[nm.Text] {
			return
		}
		seen[nm.Text] = true
		if nm.Type == ties.NameAlias && e.Kind != ties.KindPerson && isInitialism(nm.Text, name) {
			nm.Type = ties.NameAbbreviation
		}
		e.Names = append(e.Names, nm)
	}
	for _, a := range n.all("akaList", "aka") {
		t := ties.NameAlias
		switch strings.ToLower(strings.Trim(a.get("type"), ". ")) {
		case "f.k.a", "fka":
			t = ties.NameFormer
		case "a.k.a", "aka", "n.k.a", "nka", "":
		default:
			return rec, nil, a.line, "aka/type", fmt.Errorf("unknown alias type %q", a.get("type"))
		}
		addName(ties.Name{Text: fullName(a), Type: t})
	}

	remarks := n.get("remarks")
	info := parseRemarks(strings.TrimSuffix(remarks, "."))
	for _, nm := range info.names {
		addName(nm)
	}
	// What the entry says that has no field of its own goes in the
	// remarks, written as the CSV remarks write it, so nothing is lost.
	var more []string
	if t := n.get("title"); t != "" {
		more = append(more, "Title: "+t)
	}
	for _, p := range n.all("placeOfBirthList", "placeOfBirthItem") {
		if v := p.get("placeOfBirth"); v != "" {
			more = append(more, "POB "+v)
		}
	}
	if v := n.child("vesselInfo"); v != nil {
		for _, f := range []struct{ el, label string }{
			{"vesselType", "Vessel Type"}, {"vesselFlag", "Flag"}, {"vesselOwner", "Vessel Owner"},
			{"tonnage", "Tonnage"}, {"grossRegisteredTonnage", "GRT"},
		} {
			if x := v.get(f.el); x != "" {
				more = append(more, f.label+" "+x)
			}
		}
	}
	if len(more) > 0 {
		if remarks != "" {
			more = append(more, remarks)
		}
		remarks = strings.Join(more, "; ")
	}
	e.Remarks = remarks
	e.Dates = info.dates
	e.Identifiers = info.ids
	listed := info.listed

	for _, b := range n.all("dateOfBirthList", "dateOfBirthItem") {
		if d, ok := remarkDate(b.get("dateOfBirth")); ok {
			e.Dates = append(e.Dates, ties.EntityDate{Type: "birth", Value: d.String()})
		}
	}
	for _, id := range n.all("idList", "id") {
		scheme, value := id.get("idType"), id.get("idNumber")
		switch {
		case scheme == "" || value == "":
		case strings.HasPrefix(scheme, "Listing Date"):
			if d, ok := remarkDate(value); ok && d.Precision() == ties.PrecisionDay && listed.IsZero() {
				listed = d
			}
		case scheme == "Organization Established Date":
			if d, ok := remarkDate(value); ok {
				e.Dates = append(e.Dates, ties.EntityDate{Type: "established", Value: d.String()})
			}
		case isNoteType(scheme):
		default:
			e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: scheme, Value: value})
		}
	}
	if v := n.child("vesselInfo"); v != nil {
		if cs := v.get("callSign"); cs != "" {
			e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "Call Sign", Value: cs})
		}
	}

	have := map[string]bool{}
	addCountry := func(c string) {
		if c != "" && !have[c] {
			have[c] = true
			e.Countries = append(e.Countries, c)
		}
	}
	for _, c := range info.countries {
		addCountry(c)
	}
	for _, c := range n.all("nationalityList", "nationality") {
		addCountry(country.Code(c.get("country")))
	}
	for _, c := range n.all("citizenshipList", "citizenship") {
		addCountry(country.Code(c.get("country")))
	}
	for _, a := range n.all("addressList", "address") {
		var street []string
		for _, f := range []string{"address1", "address2", "address3"} {
			if v := a.get(f); v != "" {
				street = append(street, v)
			}
		}
		var csp []string
		for _, f := range []string{"city", "stateOrProvince", "postalCode"} {
			if v := a.get(f); v != "" {
				csp = append(csp, v)
			}
		}
		var parts []string
		for _, p := range []string{strings.Join(street, ", "), strings.Join(csp, " "), a.get("country")} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) > 0 {
			cc := country.Code(a.get("country"))
			e.Addresses = append(e.Addresses, ties.Address{Text: strings.Join(parts, ", "), Country: cc})
			addCountry(cc)
		}
	}

	for _, p := range n.all("programList", "program") {
		if v := strings.TrimSpace(p.text); v != "" {
			programs = append(programs, v)
		}
	}
	rec = ties.Record{Entity: e, Designations: []ties.Designation{{
		EntityID:  e.ID,
		SourceID:  uid,
		Start:     listed,
		SourceURL: "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=" + uid,
	}}}
	setPrograms(&rec, programs, nonSDN)
	return rec, programs, 0, "", nil
}

// fullName writes an entry's or alias's name as the CSV does: "LAST,
// First" for people, the last name alone otherwise.
func fullName(n *xmlNode) string {
	last, first := n.get("lastName"), n.get("firstName")
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return last + ", " + first
}

// isNoteType says whether an idList type carries a sanctions note rather
// than an identifier (as the CSV remarks parser, it keeps identifiers
// only).
func isNoteType(scheme string) bool {
	switch scheme {
	case "Gender", "Target Type", "Aircraft Model", "Aircraft Operator", "Issuer Name",
		"Additional Sanctions Information -", "Secondary sanctions risk:":
		return true
	}
	return strings.HasSuffix(scheme, ":") || strings.HasSuffix(scheme, "-") ||
		strings.Contains(scheme, "Date") || strings.Contains(scheme, "Information")
}

// setPrograms sets the list and program of a record's designation.
func setPrograms(rec *ties.Record, programs []string, nonSDN bool) {
	list := listSDN
	if nonSDN {
		list = nonSDNList(programs)
	}
	rec.Designations[0].ListID = list.ID
	rec.Designations[0].Program = strings.Join(programs, "; ")
	rec.Lists = []ties.List{list}
}

func mergePrograms(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, p := range b {
		dup := false
		for _, q := range out {
			dup = dup || p == q
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// XMLPublishDate reads <Publish_Date>MM/DD/YYYY</Publish_Date> from the
// head of an OFAC XML file.
func XMLPublishDate(head []byte) (ties.Date, bool) {
	const open, close = "<Publish_Date>", "</Publish_Date>"
	i := bytes.Index(head, []byte(open))
	if i < 0 {
		return ties.Date{}, false
	}
	rest := head[i+len(open):]
	j := bytes.Index(rest, []byte(close))
	if j < 0 {
		return ties.Date{}, false
	}
	var m, d, y int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(rest[:j])), "%d/%d/%d", &m, &d, &y); err != nil {
		return ties.Date{}, false
	}
	v, err := ties.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
	return v, err == nil
}
