package report

import (
	"fmt"
	"strings"

	"ties/exposure"
)

// PathText renders a path as "A → (hosted 2023) B → (student_at) C".
func PathText(p []exposure.Step) string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			tie := string(s.Tie)
			if s.Reverse {
				tie += "⁻¹"
			}
			if d := tieDates(s); d != "" {
				tie += " " + d
			}
			if s.AfterDesignation {
				tie += ", AFTER DESIGNATION"
			}
			fmt.Fprintf(&b, " → (%s) ", tie)
		}
		b.WriteString(s.Name)
	}
	return b.String()
}

func tieDates(s exposure.Step) string {
	switch {
	case s.Start.IsZero() && s.End.IsZero():
		return ""
	case s.End.IsZero():
		return s.Start.String() + "–"
	case s.Start.IsZero():
		return "–" + s.End.String()
	case s.Start.Date == s.End.Date:
		return s.Start.String()
	}
	return s.Start.String() + "–" + s.End.String()
}

// DesignationText renders a designation as "Name [List, listed DATE under CITATION]".
func DesignationText(d exposure.DesignatedEntity) string {
	s := d.Name + " [" + d.List
	if !d.ListedOn.IsZero() {
		s += ", listed " + d.ListedOn.String()
	}
	if d.Authority != "" {
		s += " under " + d.Authority
	}
	return s + "]"
}
