package eval

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"ties/match"
)

// entityCheck is one labelled query/candidate pair of nomenklatura's
// entity_bench_checks.yml.
type entityCheck struct {
	Match     bool        `yaml:"match"`
	Schema    string      `yaml:"schema"`
	Label     string      `yaml:"label"`
	Query     checkEntity `yaml:"query"`
	Candidate checkEntity `yaml:"candidate"`
}

type checkEntity struct {
	Name       string `yaml:"name"`
	FirstName  string `yaml:"firstName"`
	MiddleName string `yaml:"middleName"`
	FatherName string `yaml:"fatherName"`
	LastName   string `yaml:"lastName"`
}

// fullName is the entity's name, or its parts in Western order.
func (e checkEntity) fullName() string {
	if e.Name != "" {
		return e.Name
	}
	var parts []string
	for _, p := range []string{e.FirstName, e.MiddleName, e.FatherName, e.LastName} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// EntityChecks scores the labelled query/candidate pairs of path
// (nomenklatura's entity_bench_checks.yml) as screening does
// (match.CompareQuery: the query's words must be accounted for). It is
// test-only data: every pair is reported, none was tuned on.
func EntityChecks(path string) (Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Report{}, err
	}
	var doc struct {
		Checks []entityCheck `yaml:"checks"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Report{}, fmt.Errorf("%s: %w", path, err)
	}
	var cases []benchCase
	for i, c := range doc.Checks {
		q, cand := c.Query.fullName(), c.Candidate.fullName()
		if q == "" || cand == "" {
			return Report{}, fmt.Errorf("%s: check %d (%s): query or candidate has no name", path, i+1, c.Label)
		}
		cases = append(cases, benchCase{schema: c.Schema, kind: kindOfSchema(c.Schema), name1: q, name2: cand, match: c.Match, line: i + 1})
	}
	if len(cases) == 0 {
		return Report{}, fmt.Errorf("%s: no checks", path)
	}
	return pairReport("entity checks "+path, Test, cases, func(c benchCase) float64 {
		return match.CompareQuery(c.name1, c.name2, c.kind).Score
	}), nil
}
