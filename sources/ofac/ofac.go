// Package ofac reads OFAC's legacy CSV sets: the SDN list (sdn.csv,
// alt.csv, add.csv, sdn_comments.csv) and the consolidated non-SDN list
// (cons_prim.csv, cons_alt.csv, cons_add.csv, cons_comments.csv). The
// files have no header; their columns follow OFAC's "SDN CSV" spec and
// "-0-" stands for an empty value. The package does no I/O beyond the
// readers it is given.
//
// List IDs: entries of an SDN set are on "SDN". Non-SDN entries are put on
// the list their program stands for, with the codes the trade.gov CSL
// uses for the same lists: CMIC-* -> "CMIC", NS-PLC -> "PLC",
// UKRAINE-EO13662 -> "SSI", FSE-* -> "FSE", 561-Related -> "CAP",
// CAATSA - RUSSIA -> "NS-MBS"; programs that do not say which non-SDN list
// they belong to (RUSSIA-EO14024 alone is used by several) give
// "OFAC-NONSDN".
package ofac

import (
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

// Files is one OFAC CSV set. Primary (sdn.csv or cons_prim.csv) is
// required; Alt, Addr and Comments are optional. Latin1 says the files are
// known to be Windows-1252: they are then transcoded to UTF-8; otherwise
// bytes that are not UTF-8 are an error naming file and line. (The files
// OFAC publishes today are plain ASCII.)
type Files struct {
	Primary, Alt, Addr, Comments                 io.Reader
	PrimaryName, AltName, AddrName, CommentsName string
	// NonSDN marks the consolidated non-SDN set; when false it is guessed
	// from PrimaryName ("cons_prim.csv").
	NonSDN bool
	Latin1 bool
}

// Companions returns the names of the alias, address and comments files
// that go with a primary file: sdn.csv -> alt.csv, add.csv,
// sdn_comments.csv; cons_prim.csv -> cons_alt.csv, cons_add.csv,
// cons_comments.csv. Directory and case are kept.
func Companions(primary string) (alt, addr, comments string) {
	dir, base := path.Split(primary)
	lower := strings.ToLower(base)
	ext := base[len(strings.TrimSuffix(lower, ".csv")):]
	if strings.HasPrefix(lower, "cons_") {
		return dir + base[:5] + "alt" + ext, dir + base[:5] + "add" + ext, dir + base[:5] + "comments" + ext
	}
	return dir + "alt" + ext, dir + "add" + ext, dir + "sdn_comments" + ext
}

var (
	listSDN    = ties.List{ID: "SDN", Name: "Specially Designated Nationals and Blocked Persons List", Authority: "Office of Foreign Assets Control"}
	listNonSDN = ties.List{ID: "OFAC-NONSDN", Name: "Non-SDN Consolidated Sanctions List", Authority: "Office of Foreign Assets Control"}
)

// nonSDNList picks the non-SDN list a program set stands for.
func nonSDNList(programs []string) ties.List {
	l := ties.List{Authority: "Office of Foreign Assets Control"}
	for _, p := range programs {
		switch {
		case strings.HasPrefix(p, "CMIC"):
			l.ID, l.Name = "CMIC", "Non-SDN Chinese Military-Industrial Complex Companies List"
		case p == "NS-PLC":
			l.ID, l.Name = "PLC", "Palestinian Legislative Council List"
		case p == "UKRAINE-EO13662":
			l.ID, l.Name = "SSI", "Sectoral Sanctions Identifications List"
		case strings.HasPrefix(p, "FSE-"):
			l.ID, l.Name = "FSE", "Foreign Sanctions Evaders List"
		case p == "561-Related", p == "561List":
			l.ID, l.Name = "CAP", "List of Foreign Financial Institutions Subject to Correspondent Account or Payable-Through Account Sanctions (CAPTA)"
		case p == "CAATSA - RUSSIA":
			l.ID, l.Name = "NS-MBS", "Non-SDN Menu-Based Sanctions List"
		default:
			continue
		}
		return l
	}
	return listNonSDN
}

const (
	primaryFields  = 12
	altFields      = 5
	addrFields     = 6
	commentsFields = 2
)

// Parse reads an OFAC CSV set. The optional files are read fully first
// (they are small) and joined to the primary entries by ent_num; the
// primary file is then streamed. Iteration stops after the first error, a
// *sources.Error naming file, line and field.
func Parse(set Files) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		if set.Primary == nil {
			yield(ties.Record{}, &sources.Error{File: set.PrimaryName, Err: errors.New("no primary file")})
			return
		}
		nonSDN := set.NonSDN || strings.HasPrefix(strings.ToLower(path.Base(set.PrimaryName)), "cons_")
		alts := map[string][]ties.Name{}
		addrs := map[string][]ties.Address{}
		comments := map[string]string{}
		if set.Alt != nil {
			err := readRows(set.Alt, set.AltName, altFields, set.Latin1, func(line int, f []string) error {
				t := ties.NameAlias
				switch strings.ToLower(f[2]) {
				case "fka":
					t = ties.NameFormer
				case "aka", "nka", "":
				default:
					return &sources.Error{File: set.AltName, Line: line, Field: "alt_type", Err: fmt.Errorf("unknown alias type %q", f[2])}
				}
				if f[3] != "" {
					alts[f[0]] = append(alts[f[0]], ties.Name{Text: f[3], Type: t})
				}
				return nil
			})
			if err != nil {
				yield(ties.Record{}, err)
				return
			}
		}
		if set.Addr != nil {
			err := readRows(set.Addr, set.AddrName, addrFields, set.Latin1, func(line int, f []string) error {
				var parts []string
				for _, p := range f[2:5] {
					if p != "" {
						parts = append(parts, p)
					}
				}
				if len(parts) > 0 {
					addrs[f[0]] = append(addrs[f[0]], ties.Address{Text: strings.Join(parts, ", "), Country: country.Code(f[4])})
				}
				return nil
			})
			if err != nil {
				yield(ties.Record{}, err)
				return
			}
		}
		if set.Comments != nil {
			err := readRows(set.Comments, set.CommentsName, commentsFields, set.Latin1, func(line int, f []string) error {
				comments[f[0]] += f[1]
				return nil
			})
			if err != nil {
				yield(ties.Record{}, err)
				return
			}
		}

		stopped := errors.New("stopped")
		err := readRows(set.Primary, set.PrimaryName, primaryFields, set.Latin1, func(line int, f []string) error {
			rec, field, err := build(f, nonSDN, alts[f[0]], addrs[f[0]], comments[f[0]])
			if err != nil {
				return &sources.Error{File: set.PrimaryName, Line: line, Field: field, Err: err}
			}
			if !yield(rec, nil) {
				return stopped
			}
			return nil
		})
		if err != nil && err != stopped {
			yield(ties.Record{}, err)
		}
	}
}

// build makes the record of one primary row.
func build(f []string, nonSDN bool, alts []ties.Name, addrs []ties.Address, more string) (ties.Record, string, error) {
	entNum, name, kind, programField, remarks := f[0], f[1], f[2], f[3], f[11]+more
	e := ties.Entity{ID: "ofac:" + entNum, Addresses: addrs}
	switch strings.ToLower(kind) {
	case "individual":
		e.Kind = ties.KindPerson
	case "vessel":
		e.Kind = ties.KindVessel
	case "aircraft":
		e.Kind = ties.KindAircraft
	case "":
		e.Kind = ties.KindOrganization
	default:
		return ties.Record{}, "SDN_Type", fmt.Errorf("unknown entry type %q", kind)
	}
	if name == "" {
		return ties.Record{}, "SDN_Name", errors.New("empty name")
	}
	e.Names = append(e.Names, ties.Name{Text: name, Type: ties.NamePrimary})
	seen := map[string]bool{name: true}
	addName := func(n ties.Name) {
		if n.Text == "" || seen[n.Text] {
			return
		}
		seen[n.Text] = true
		if n.Type == ties.NameAlias && e.Kind != ties.KindPerson && isInitialism(n.Text, name) {
			n.Type = ties.NameAbbreviation
		}
		e.Names = append(e.Names, n)
	}
	for _, n := range alts {
		addName(n)
	}
	info := parseRemarks(strings.TrimSuffix(strings.TrimSpace(remarks), "."))
	for _, n := range info.names {
		addName(n)
	}
	e.Remarks = strings.TrimSpace(remarks)
	e.Dates = info.dates
	e.Identifiers = info.ids
	if f[5] != "" {
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: "Call Sign", Value: f[5]})
	}
	have := map[string]bool{}
	for _, c := range info.countries {
		if !have[c] {
			have[c] = true
			e.Countries = append(e.Countries, c)
		}
	}
	for _, a := range addrs {
		if a.Country != "" && !have[a.Country] {
			have[a.Country] = true
			e.Countries = append(e.Countries, a.Country)
		}
	}

	programs := splitPrograms(programField)
	list := listSDN
	if nonSDN {
		list = nonSDNList(programs)
	}
	d := ties.Designation{
		EntityID: e.ID,
		ListID:   list.ID,
		SourceID: entNum,
		Start:    info.listed,
		Program:  strings.Join(programs, "; "),
		// OFAC's sanctions search has a page per entry, SDN and non-SDN.
		SourceURL: "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=" + entNum,
	}
	return ties.Record{Entity: e, Designations: []ties.Designation{d}, Lists: []ties.List{list}}, "", nil
}

// splitPrograms reads "SDGT] [IFSR" (the legacy CSV's way of writing
// "[SDGT] [IFSR]") into its programs.
func splitPrograms(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "] [") {
		if p = strings.Trim(strings.TrimSpace(p), "[]"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isInitialism reports whether abbr (e.g. "BNC") is made of the initials
// of the significant words of name ("BANCO NACIONAL DE CUBA").
func isInitialism(abbr, name string) bool {
	abbr = strings.Trim(abbr, "'\" ")
	if len(abbr) < 2 || len(abbr) > 8 {
		return false
	}
	for i := 0; i < len(abbr); i++ {
		if abbr[i] < 'A' || abbr[i] > 'Z' {
			return false
		}
	}
	var initials []byte
	for _, w := range strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool {
		return r == ' ' || r == '-' || r == ',' || r == '.' || r == '(' || r == ')'
	}) {
		switch w {
		case "OF", "THE", "AND", "DE", "DEL", "LA", "FOR", "&", "CO", "LTD", "LLC", "SA", "S", "A", "INC":
			continue
		}
		initials = append(initials, w[0])
	}
	return string(initials) == abbr
}
