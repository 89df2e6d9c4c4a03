package names

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"ties/internal/testdata"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// formTexts returns the Text of every form.
func formTexts(fs []Form) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Text
	}
	return out
}

func hasForm(fs []Form, text string) bool {
	return slices.Contains(formTexts(fs), text)
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Vladimír  PUTIN", "vladimir putin"},
		{"O'Brien-Smith", "obrien smith"},
		{"Société Générale S.A.", "societe generale sa"},
		{"U.S.A. Inc.", "usa inc"},
		{"V. V. Putin", "v v putin"},
		{"Straße", "strasse"},
		{"ＡＢＣ　Ｃｏ．", "abc co"}, // full-width (NFKC)
		{"Hsü Ch'ing", "hsu ching"},
		{"Юрий Ёлкин", "юрий елкин"}, // й kept, ё folded
		{"Ολυμπιακός", "ολυμπιακοσ"}, // accents and final sigma
		{"أحمد", "احمد"},             // hamza folded
		{"华为Huawei", "华为 huawei"},    // Han/Latin boundary
		{"  --  ", ""},
		{"व्लादिमीर पुतिन", "व्लादिमीर पुतिन"}, // Indic marks kept
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormsFirstIsPlain(t *testing.T) {
	for _, n := range []string{"Xi Jinping", "習近平", "ROSNEFT OAO", "SALEK, ABDULHAI", "Путин Владимир"} {
		fs := Forms(n, Unknown)
		if len(fs) == 0 || fs[0].Text != Normalize(n) {
			t.Errorf("Forms(%q)[0] = %v, want plain %q", n, fs, Normalize(n))
		}
		for i, f := range fs {
			if f.Text != strings.Join(f.Tokens, " ") {
				t.Errorf("Forms(%q)[%d]: Text %q != joined tokens %q", n, i, f.Text, f.Tokens)
			}
			if i > 0 && len(f.Steps) == 0 {
				t.Errorf("Forms(%q)[%d] %q has no steps", n, i, f.Text)
			}
		}
	}
	if Forms("  ", Person) != nil {
		t.Error("empty name should give no forms")
	}
}

func TestForms(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		want []string // forms that must be present
		not  []string // forms that must be absent
	}{
		// "LAST, First".
		{"SALEK, ABDULHAI", Person, []string{"salek abdulhai", "abdulhai salek"}, nil},
		{"Acme, Inc.", Unknown, []string{"acme inc"}, []string{"inc acme"}},
		// Han persons, Traditional and Simplified, both orders.
		{"習近平", Person, []string{"习近平", "xi jinping", "jinping xi", "xi jin ping"}, nil},
		{"习近平", Unknown, []string{"习近平", "xi jinping", "jinping xi"}, nil},
		{"欧阳娜娜", Person, []string{"ouyang nana", "nana ouyang"}, nil},
		{"司马光", Person, []string{"sima guang", "guang sima"}, nil},
		// Surname readings.
		{"单田芳", Person, []string{"shan tianfang"}, []string{"dan tianfang"}},
		{"曾国藩", Person, []string{"zeng guofan"}, nil},
		{"区家麟", Person, []string{"ou jialin"}, nil},
		{"仇和", Person, []string{"qiu he"}, nil},
		{"解振华", Person, []string{"xie zhenhua"}, nil},
		{"朴槿惠", Person, []string{"piao jinhui"}, nil},
		{"吕布", Person, []string{"lu bu"}, nil},
		// Han organizations.
		{"中国科学院", Organization, []string{"zhong guo ke xue yuan"}, nil},
		{"中國科學院", Organization, []string{"中国科学院", "zhong guo ke xue yuan"}, nil},
		{"中国银行", Organization, []string{"zhong guo yin hang"}, nil},
		{"华为技术有限公司", Organization, []string{"hua wei ji shu ltd"}, nil},
		{"中国石油天然气集团有限公司", Organization, []string{"zhong guo shi you tian ran qi group ltd"}, nil},
		{"弗拉基米尔·普京", Unknown, []string{"fulajimier pujing"}, nil},
		// Legal forms.
		{"ROSNEFT OAO", Organization, []string{"rosneft jsc"}, nil},
		{"Rosneft PJSC", Organization, []string{"rosneft jsc"}, nil},
		{"ПАО «Роснефть»", Organization, []string{"jsc rosneft"}, nil},
		{"ООО Ромашка", Organization, []string{"llc romashka"}, nil},
		{"Huawei Technologies Co., Ltd.", Organization, []string{"huawei technologies ltd"}, nil},
		{"Siemens Aktiengesellschaft", Organization, []string{"siemens ag"}, nil},
		{"Li Ao", Unknown, nil, []string{"li jsc"}},
		// Wade-Giles and Cantonese.
		{"Hsi Chin-ping", Person, []string{"xi jinping"}, nil},
		{"Mao Tse-tung", Person, []string{"mao zedong"}, nil},
		{"Teng Hsiao-ping", Person, []string{"deng xiaoping"}, nil},
		{"Chou En-lai", Person, []string{"zhou enlai"}, nil},
		{"Chiang Ching-kuo", Person, []string{"jiang jingguo"}, nil},
		{"Ch'en Yi", Person, []string{"chen yi"}, nil},
		{"Chan Tai Man", Person, []string{"chen dai wen"}, nil},
		{"Wong Kwok Wing", Person, []string{"huang guo rong", "wang guo yong"}, nil},
		{"CHEUNG Ka Wah", Person, []string{"zhang jia hua"}, nil},
		{"Leung Chun-ying", Person, []string{"liang zhenying"}, nil},
		{"Lee Ka-shing", Person, []string{"li jiacheng"}, nil},
		{"Ng Kwok Leung", Person, []string{"wu guo liang"}, nil},
		{"Xi Jin-ping", Person, []string{"xi jinping"}, nil},
		{"Xi Jin Ping", Person, []string{"xi jinping"}, nil},
		{"Ho Chi Minh", Person, nil, []string{"he zhi minh"}},
		{"Mary Lee", Person, nil, []string{"mary li"}},
		// Cyrillic, Greek, Arabic, Hebrew.
		{"Путин Владимир Владимирович", Person, []string{"putin vladimir vladimirovich"}, nil},
		{"Путин, Владимир", Person, []string{"vladimir putin"}, nil},
		{"Юрий Гагарин", Person, []string{"yuriy gagarin", "yury gagarin", "iurii gagarin"}, nil},
		{"Сергей Лавров", Person, []string{"sergey lavrov", "sergei lavrov"}, nil},
		{"Михаил Ходорковский", Person, []string{"mikhail khodorkovskiy", "mihail hodorkovsky"}, nil},
		{"Путін Володимир", Person, []string{"putin volodymyr"}, nil},
		{"Βλαντίμιρ Πούτιν", Person, []string{"vladimir putin"}, nil},
		{"Αλέξης Τσίπρας", Person, []string{"alexis tsipras"}, nil},
		{"فلاديمير بوتين", Person, []string{"fladimir butin"}, nil},
		{"محمد بن سلمان", Person, []string{"muhammad bin slman"}, nil},
		{"ולדימיר פוטין", Person, []string{"vldimir putin"}, nil},
		// Acronyms.
		{"Chinese Academy of Sciences", Organization, []string{"cas"}, nil},
		{"Institute of Computing Technology, Chinese Academy of Sciences", Organization, []string{"ictcas"}, nil},
		{"Huawei Technologies Co., Ltd.", Organization, nil, []string{"ht"}},
	}
	for _, tt := range tests {
		fs := Forms(tt.name, tt.kind)
		for _, w := range tt.want {
			if !hasForm(fs, w) {
				t.Errorf("Forms(%q, %d) = %q, missing %q", tt.name, tt.kind, formTexts(fs), w)
			}
		}
		for _, w := range tt.not {
			if hasForm(fs, w) {
				t.Errorf("Forms(%q, %d) = %q, should not contain %q", tt.name, tt.kind, formTexts(fs), w)
			}
		}
		if len(fs) > MaxForms {
			t.Errorf("Forms(%q) has %d forms, more than %d", tt.name, len(fs), MaxForms)
		}
	}
}

// sharesTokens reports whether some form of a has the same tokens as some
// form of b.
func sharesTokens(a, b []Form) bool {
	for _, x := range a {
		for _, y := range b {
			if slices.Equal(x.Tokens, y.Tokens) {
				return true
			}
		}
	}
	return false
}

func TestHsiChinPingMatchesXiJinping(t *testing.T) {
	if !sharesTokens(Forms("Hsi Chin-ping", Person), Forms("Xi Jinping", Person)) {
		t.Errorf("no shared form: %q vs %q", formTexts(Forms("Hsi Chin-ping", Person)), formTexts(Forms("Xi Jinping", Person)))
	}
	for _, pair := range [][2]string{{"習近平", "Xi Jinping"}, {"习近平", "Jinping Xi"}, {"中國科學院", "中国科学院"}, {"Mao Tse-tung", "毛泽东"}} {
		if !sharesTokens(Forms(pair[0], Unknown), Forms(pair[1], Unknown)) {
			t.Errorf("%q and %q share no form: %q vs %q", pair[0], pair[1], formTexts(Forms(pair[0], Unknown)), formTexts(Forms(pair[1], Unknown)))
		}
	}
}

func TestSteps(t *testing.T) {
	fs := Forms("中国科学院", Organization)
	found := false
	for _, f := range fs {
		if slices.Contains(f.Steps, "pinyin of 中国科学院 = zhong guo ke xue yuan") {
			found = true
		}
	}
	if !found {
		t.Errorf("no pinyin step in %+v", fs)
	}
}

func TestStripLegalForms(t *testing.T) {
	tests := []struct {
		in          string
		core, forms string
	}{
		{"rosneft oao", "rosneft", "jsc"},
		{"oao rosneft", "rosneft", "jsc"},
		{"huawei technologies co ltd", "huawei technologies", "ltd"},
		{"acme holdings limited", "acme", "holding ltd"},
		{"limited", "limited", ""},
		{"huawei co ltd shenzhen", "huawei shenzhen", "ltd"},
		{"华为技术有限公司", "华为技术", "ltd"},
		{"中国石油天然气集团有限公司", "中国石油天然气", "group ltd"},
		{"ооо ромашка", "ромашка", "llc"},
		{"deutsche bank ag", "deutsche bank", "ag"},
	}
	for _, tt := range tests {
		core, forms := StripLegalForms(strings.Fields(tt.in))
		if strings.Join(core, " ") != tt.core || strings.Join(forms, " ") != tt.forms {
			t.Errorf("StripLegalForms(%q) = %q, %q; want %q, %q", tt.in, core, forms, tt.core, tt.forms)
		}
	}
	if c, ok := CanonicalLegalForm("co ltd"); !ok || c != "ltd" {
		t.Errorf("CanonicalLegalForm(co ltd) = %q, %v", c, ok)
	}
	if !IsLegalForm("gmbh") || IsLegalForm("rosneft") {
		t.Error("IsLegalForm wrong")
	}
}

func TestAcronym(t *testing.T) {
	tests := []struct{ in, want string }{
		{"chinese academy of sciences", "cas"},
		{"the bank of new york", "bny"},
		{"banco de la nacion argentina", "bna"},
		{"rosneft", ""},
		{"3 m company", "3mc"},
	}
	for _, tt := range tests {
		if got := Acronym(strings.Fields(tt.in)); got != tt.want {
			t.Errorf("Acronym(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScript(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Putin", "Latin"}, {"Путин", "Cyrillic"}, {"習近平", "Han"}, {"Πούτιν", "Greek"},
		{"بوتين", "Arabic"}, {"פוטין", "Hebrew"}, {"푸틴", "Hangul"}, {"プーチン", "Japanese"},
		{"ვლადიმერ", "Georgian"}, {"123", ""},
	}
	for _, tt := range tests {
		if got := Script(tt.in); got != tt.want {
			t.Errorf("Script(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToSimplified(t *testing.T) {
	if got := ToSimplified("習近平 中國科學院 abc"); got != "习近平 中国科学院 abc" {
		t.Errorf("ToSimplified = %q", got)
	}
	if len(t2sTable) < 2000 {
		t.Errorf("t2s table has only %d entries", len(t2sTable))
	}
}

func TestWadeGilesSyllables(t *testing.T) {
	tests := []struct {
		wg        string
		aspirated bool
		want      string
	}{
		{"hsi", false, "xi"}, {"chin", false, "jin"}, {"chin", true, "qin"},
		{"chang", false, "zhang"}, {"chiang", false, "jiang"}, {"tse", false, "ze"},
		{"tung", false, "dong"}, {"teng", false, "deng"}, {"hsiao", false, "xiao"},
		{"shih", false, "shi"}, {"jen", false, "ren"}, {"kuo", false, "guo"},
		{"ko", false, "ge"}, {"lo", false, "luo"}, {"yen", false, "yan"}, {"hsiung", false, "xiong"},
		{"kuei", false, "gui"}, {"chieh", false, "jie"}, {"ssu", false, "si"}, {"ping", false, "ping"},
	}
	for _, tt := range tests {
		got, _, ok := wadeGiles(tt.wg, tt.aspirated)
		if !ok || got != tt.want {
			t.Errorf("wadeGiles(%q, %v) = %q, %v; want %q", tt.wg, tt.aspirated, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"vladimir", "smith", "hsa", "x"} {
		if _, _, ok := wadeGiles(bad, false); ok {
			t.Errorf("wadeGiles(%q) accepted", bad)
		}
	}
}

// dataDir finds ../shared/data next to the module root.
func dataDir(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
}

// TestPutinSpellings measures recall over 80 spellings of one name in many
// scripts: how many have a form containing both tokens of a form of
// "Vladimir Putin" (full), and how many share at least one token (partial).
func TestPutinSpellings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(dataDir(t), "ftm", "nomenklatura_putin_names.txt"))
	if err != nil {
		t.Skip(err)
	}
	target := Forms("Vladimir Putin", Person)
	want := map[string]bool{}
	for _, f := range target {
		for _, tok := range f.Tokens {
			want[tok] = true
		}
	}
	full, partial, total := 0, 0, 0
	var missed []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		total++
		fs := Forms(line, Person)
		gotFull, gotPartial := false, false
		for _, f := range fs {
			if !utf8.ValidString(f.Text) {
				t.Errorf("invalid UTF-8 form %q", f.Text)
			}
			n := 0
			for _, tok := range f.Tokens {
				if tok == "vladimir" || tok == "putin" {
					n++
				}
				if want[tok] {
					gotPartial = true
				}
			}
			if slices.Contains(f.Tokens, "vladimir") && slices.Contains(f.Tokens, "putin") {
				gotFull = true
			}
		}
		if gotFull {
			full++
		} else {
			missed = append(missed, line+" -> "+strings.Join(formTexts(fs), " | "))
		}
		if gotPartial {
			partial++
		}
	}
	t.Logf("Putin spellings: %d total, %d with a form containing both \"vladimir\" and \"putin\", %d sharing at least one token", total, full, partial)
	for _, m := range missed {
		t.Log("  missed:", m)
	}
	const fullFloor, partialFloor = 39, 65
	if full < fullFloor || partial < partialFloor {
		t.Errorf("recall fell: full %d (floor %d), partial %d (floor %d)", full, fullFloor, partial, partialFloor)
	}
}

// TestCharReadingMatchesGoPinyin checks the direct dictionary reading
// against go-pinyin's own toneless style over the whole dictionary.
func TestCharReadingMatchesGoPinyin(t *testing.T) {
	args := pinyin.NewArgs()
	bad := 0
	for cp := range pinyin.PinyinDict {
		r := rune(cp)
		if !isHan(r) {
			continue
		}
		want := pinyin.SinglePinyin(r, args)
		if len(want) == 0 {
			continue
		}
		w := strings.ReplaceAll(want[0], "v", "u")
		if got := charReading(r); got != w {
			if bad < 10 {
				t.Errorf("charReading(%c) = %q, go-pinyin %q", r, got, w)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d readings differ", bad)
	}
}
