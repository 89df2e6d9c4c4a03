// Command tune measures the scorer on the development half of the
// labelled sets (never the test half) for variations of match.Params, so
// parameters are chosen without looking at the data they are reported on.
//
//	go run ./tools/tune -data ../shared/data -set QueryMissCost=0.8,1.0 -set UncoveredFactor=0.7,0.75
//
// Each -set names a float field of match.Params and the values to try;
// the grid of all combinations is measured, one line each.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"ties"
	"ties/eval"
	"ties/match"
)

type setting struct {
	field  string
	values []float64
}

type settings []setting

func (s *settings) String() string { return "" }

func (s *settings) Set(v string) error {
	name, vals, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want Field=v1,v2: %q", v)
	}
	if f, ok := reflect.TypeOf(match.Params{}).FieldByName(name); !ok || f.Type.Kind() != reflect.Float64 {
		return fmt.Errorf("match.Params has no float field %q", name)
	}
	st := setting{field: name}
	for _, x := range strings.Split(vals, ",") {
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		st.values = append(st.values, f)
	}
	*s = append(*s, st)
	return nil
}

func main() {
	dataDir := flag.String("data", "../shared/data", "the shared data folder")
	var grid settings
	flag.Var(&grid, "set", "Field=v1,v2,... of match.Params to vary (repeatable)")
	flag.Parse()
	log.SetFlags(0)

	entries, err := eval.LoadLists(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	var un []ties.Entry
	for _, e := range entries {
		if e.Dataset == "un" {
			un = append(un, e)
		}
	}
	nm := filepath.Join(*dataDir, "name-matching")
	negatives, err := eval.ReadRows(filepath.Join(nm, "yente", "negatives_us.csv"))
	if err != nil {
		log.Fatal(err)
	}
	orgs, err := eval.ReadList("eval/data/unlisted-organizations.txt")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("development half only: bench F1 | UN recall@1 | FPR negatives no kind | FPR organizations | params")
	combos := []match.Params{match.DefaultParams()}
	for _, st := range grid {
		var next []match.Params
		for _, p := range combos {
			for _, v := range st.values {
				q := p
				reflect.ValueOf(&q).Elem().FieldByName(st.field).SetFloat(v)
				next = append(next, q)
			}
		}
		combos = next
	}
	for _, p := range combos {
		bench, err := eval.NameBenchWith(filepath.Join(nm, "nomenklatura", "name_bench_cases.csv"), eval.Dev, &p)
		if err != nil {
			log.Fatal(err)
		}
		rec, err := eval.Recall(match.Build(un, match.WithParams(p)), filepath.Join(nm, "yente", "positives_un_treated.csv"), filepath.Join(nm, "yente", "positives_un_untreated.csv"), eval.Dev)
		if err != nil {
			log.Fatal(err)
		}
		ix := match.Build(entries, match.WithParams(p))
		neg, _ := eval.FalsePositives(ix, "negatives", negatives, eval.NegativeOptions{Part: eval.Dev})
		org, _ := eval.FalsePositives(ix, "organizations", orgs, eval.NegativeOptions{Part: eval.Dev})
		var desc []string
		for _, st := range grid {
			desc = append(desc, fmt.Sprintf("%s=%g", st.field, reflect.ValueOf(p).FieldByName(st.field).Float()))
		}
		fmt.Printf("F1 %.3f | recall %.3f | FPR %.3f%% | orgs %.2f%% | %s\n", bench.F1, rec.Rate, 100*neg.Rate, 100*org.Rate, strings.Join(desc, " "))
		for i, pt := range bench.Sweep {
			if t := pt.Threshold; t >= 0.74 && t <= 0.86 {
				fmt.Printf("    at %.2f: F1 %.3f | recall %.3f | FPR %.3f%% | orgs %.2f%%\n", t, pt.F1, rec.Sweep[i].Recall, 100*neg.Sweep[i].FPR, 100*org.Sweep[i].FPR)
			}
		}
	}
	os.Exit(0)
}
