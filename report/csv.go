package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"ties/exposure"
)

// ExposureCSV writes one row per path of the reports' findings.
func ExposureCSV(out io.Writer, reps ...exposure.Report) error {
	w := csv.NewWriter(out)
	w.Write([]string{"org", "as_of", "designated_id", "designated", "list", "listed_on", "authority", "rule", "status", "severity", "after_designation", "hops", "path"}) //nolint:errcheck // Flush reports
	for _, rep := range reps {
		for _, fs := range [][]exposure.Finding{rep.Findings, rep.ScenarioFindings} {
			for _, f := range fs {
				for _, p := range f.Paths {
					w.Write([]string{rep.Org, rep.AsOf.String(), f.Designated.EntityID, f.Designated.Name, f.Designated.List, //nolint:errcheck // Flush reports
						f.Designated.ListedOn.String(), f.Designated.Authority, f.Rule.Name, string(f.Rule.Status), f.Severity,
						strconv.FormatBool(f.AfterDesignation), strconv.Itoa(len(p) - 1), PathText(p)})
				}
			}
		}
	}
	w.Flush()
	return w.Error()
}
