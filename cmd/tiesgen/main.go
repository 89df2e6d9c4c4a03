// Command tiesgen writes a synthetic ties graph (exposure.Synthetic) for
// load tests: in the native .ties format (docs/ties-format.md) or as JSON
// lines. The same flags always give the same graph.
//
//	tiesgen -entities 1000000 -ties 10000000 -o synthetic.ties
//	tiesgen -entities 10000 -format jsonl > synthetic.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"ties"
	"ties/exposure"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tiesgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tiesgen", flag.ContinueOnError)
	entities := fs.Int("entities", 10_000, "number of entities")
	tieCount := fs.Int("ties", 0, "number of ties (default: 10 per entity)")
	seed := fs.Int64("seed", 1, "random seed")
	designated := fs.Float64("designated", 0.001, "fraction of entities listed")
	format := fs.String("format", "ties", "output format: ties (native) or jsonl")
	out := fs.String("o", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *entities < 10 {
		return errors.New("-entities must be at least 10")
	}
	if *tieCount == 0 {
		*tieCount = 10 * *entities
	}
	if *designated < 0 || *designated > 1 {
		return errors.New("-designated must be a fraction from 0 to 1")
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	ents, seq := exposure.Synthetic(*entities, *tieCount, *seed)
	des := exposure.SyntheticDesignated(*entities, *designated, *seed+1)
	var err error
	switch *format {
	case "ties":
		err = writeNative(bw, ents, seq, des)
	case "jsonl":
		err = writeJSONL(bw, ents, seq, des)
	default:
		return fmt.Errorf("unknown -format %q (want ties or jsonl)", *format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

var nativeKind = map[ties.EntityKind]string{
	ties.KindOrganization: "org", ties.KindPerson: "person", ties.KindPublication: "publication",
	ties.KindProgram: "program", ties.KindContract: "contract", ties.KindPlace: "place",
}

func writeNative(w *bufio.Writer, ents []ties.Entity, seq func(func(ties.Tie) bool), des []exposure.Designated) error {
	fmt.Fprintln(w, "ties 1")
	fmt.Fprintln(w, "# Synthetic graph written by tiesgen: invented entities, for load tests only.")
	for i := range ents {
		fmt.Fprintf(w, "%s %s %s\n", nativeKind[ents[i].Kind], ents[i].ID, quote(ents[i].PrimaryName()))
	}
	for t := range seq {
		fmt.Fprintf(w, "tie %s %s %s", t.From, t.Kind, t.To)
		switch {
		case !t.Start.IsZero() && t.Start == t.End:
			fmt.Fprintf(w, " in %s", t.Start)
		default:
			if !t.Start.IsZero() {
				fmt.Fprintf(w, " start %s", t.Start)
			}
			if !t.End.IsZero() {
				fmt.Fprintf(w, " end %s", t.End)
			}
		}
		if t.Share > 0 {
			fmt.Fprintf(w, " share %g", t.Share)
		}
		if t.Role != "" {
			fmt.Fprintf(w, " role %s", quote(t.Role))
		}
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, `list EL "Entity List" "Bureau of Industry and Security"`)
	fmt.Fprintln(w, `list SDN "Specially Designated Nationals and Blocked Persons List" "Office of Foreign Assets Control"`)
	for _, d := range des {
		fmt.Fprintf(w, "listed %s %s start %s authority %s\n", d.EntityID, d.Designation.ListID, d.Designation.Start, quote(d.Designation.Authority))
	}
	return nil
}

// record is one JSON line: exactly one of its fields is set.
type record struct {
	Entity     *ties.Entity         `json:"entity,omitempty"`
	Tie        *ties.Tie            `json:"tie,omitempty"`
	Designated *exposure.Designated `json:"designated,omitempty"`
}

func writeJSONL(w *bufio.Writer, ents []ties.Entity, seq func(func(ties.Tie) bool), des []exposure.Designated) error {
	enc := json.NewEncoder(w)
	for i := range ents {
		if err := enc.Encode(record{Entity: &ents[i]}); err != nil {
			return err
		}
	}
	for t := range seq {
		if err := enc.Encode(record{Tie: &t}); err != nil {
			return err
		}
	}
	for i := range des {
		if err := enc.Encode(record{Designated: &des[i]}); err != nil {
			return err
		}
	}
	return nil
}

// quote writes a native-format quoted string (escapes \" and \\ only).
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
