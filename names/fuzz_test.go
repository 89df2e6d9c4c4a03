package names

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "Vladimir Putin", "SALEK, ABDULHAI", "習近平", "中國科學院", "Hsi Chin-ping",
	"ROSNEFT OAO", "Путин Владимир Владимирович", "Βλαντίμιρ Πούτιν", "فلاديمير بوتين",
	"ולדימיר פוטין", "S.A. U.S.A.", "Co., Ltd.", "华为Huawei技术有限公司", "Юрий", "ß",
	"व्लादिमीर पुतिन", "\xff\xfe", "a\u0301\u0301", "ﬁ", "ǅ", "İstanbul", "O'Brien", "Ch'en",
	"弗拉基米尔·普京", "Chan Tai-man, Wong", "ㄱ", "\u0300abc", "x.y.z.", ".a.b",
	"华为技术有限公司", "中国科学院计算技术研究所", "哈尔滨工业大学", "所", "有限公司有限公司",
	"김정은", "은정 김", "김 정은", "أيمن الظواهري", "عبدالملك الحوثي", "عبدال", "ع", "قاسم سلیمانی", "علی خامنه\u200cای", "ژ",
}

// FuzzSegmentHanOrg checks that the segments of a Han name give back the
// name, and that the English readings are normalized ASCII or empty.
func FuzzSegmentHanOrg(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs, _ := segmentHanOrg(s)
		if segs == nil {
			return
		}
		var b strings.Builder
		for _, sg := range segs {
			b.WriteString(sg.han)
		}
		if b.String() != string([]rune(s)) {
			t.Fatalf("segments of %q give %q", s, b.String())
		}
		for _, alt := range []bool{false, true} {
			for _, head := range []bool{false, true} {
				e := hanOrgEnglish(segs, alt, head)
				if n := Normalize(e); n != e && isASCII(e) {
					t.Fatalf("reading of %q not normalized: %q", s, e)
				}
			}
		}
	})
}

// FuzzTransliterators checks that the Korean and Arabic readings are
// normalized text.
func FuzzTransliterators(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		for _, out := range []string{arabicScheme(n), arabicVowelled(arabicScheme(n)), persianScheme(n), persianVowelled(persianScheme(n))} {
			if !utf8.ValidString(out) || Normalize(out) != out {
				t.Fatalf("Arabic reading of %q = %q: not normalized", n, out)
			}
		}
		var fs formSet
		hangulForms(&fs, n, nil, Derivation{})
		for _, f := range fs.forms {
			if !isASCII(f.Text) || Normalize(f.Text) != f.Text {
				t.Fatalf("Korean reading of %q = %q", n, f.Text)
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: bad spacing", s, n)
		}
		if !utf8.ValidString(s) {
			return // idempotence is only promised for text
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, n, n2)
		}
	})
}

func FuzzForms(f *testing.F) {
	for _, s := range fuzzSeeds {
		for k := Unknown; k <= Organization; k++ {
			f.Add(s, int(k))
		}
	}
	f.Fuzz(func(t *testing.T, s string, k int) {
		fs := Forms(s, Kind(k%3))
		if len(fs) > MaxForms {
			t.Fatalf("Forms(%q) = %d forms", s, len(fs))
		}
		if len(fs) > 0 && fs[0].Text != Normalize(s) {
			t.Fatalf("Forms(%q)[0] = %q, want %q", s, fs[0].Text, Normalize(s))
		}
		seen := map[string]bool{}
		for _, f := range fs {
			if f.Text == "" || !utf8.ValidString(f.Text) || f.Text != strings.Join(f.Tokens, " ") {
				t.Fatalf("Forms(%q): bad form %+v", s, f)
			}
			if seen[f.Text] {
				t.Fatalf("Forms(%q): duplicate %q", s, f.Text)
			}
			seen[f.Text] = true
			for _, st := range f.Steps {
				if !utf8.ValidString(st) {
					t.Fatalf("Forms(%q): invalid step %q", s, st)
				}
			}
		}
	})
}

func BenchmarkForms(b *testing.B) {
	for _, c := range []struct {
		name, text string
		kind       Kind
	}{
		{"LatinPerson", "Vladimir Vladimirovich Putin", Person},
		{"LatinUnknown", "Abdulhai Salek", Unknown},
		{"Org", "Institute of Computing Technology, Chinese Academy of Sciences", Organization},
		{"Han", "習近平", Person},
		{"HanOrg", "华为技术有限公司", Organization},
		{"Cyrillic", "Путин Владимир Владимирович", Person},
		{"WadeGiles", "Hsi Chin-ping", Person},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Forms(c.text, c.kind)
			}
		})
	}
}
