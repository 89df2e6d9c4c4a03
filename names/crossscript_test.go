package names

import (
	"slices"
	"testing"
)

func TestCrossScriptForms(t *testing.T) {
	for _, c := range []struct {
		name string
		kind Kind
		want string
	}{
		{"华为技术有限公司", Organization, "huawei technology co ltd"},
		{"華為技術有限公司", Unknown, "huawei technology co ltd"},
		{"哈尔滨工业大学", Unknown, "harbin institute of technology"},
		{"中国电子科技集团公司", Unknown, "china electronics technology group corporation"},
		{"中国科学院计算技术研究所", Unknown, "chinese academy of sciences institute of computing technology"},
		{"北京航空航天大学", Unknown, "university of beijing aeronautics and astronautics"},
		{"四川大学", Unknown, "sichuan university"},
		{"中国电子科技集团公司第十四研究所", Unknown, "china electronics technology group corporation 14th institute"},
		{"김정은", Person, "kim jongun"},
		{"김정은", Unknown, "gim jeongeun"},
		{"리병철", Unknown, "lee byeongcheol"},
		{"은정 김", Unknown, "kim eunjeong"},
		{"أيمن الظواهري", Unknown, "ayman al zawahari"},
		{"عبدالملك الحوثي", Unknown, "abdul malik al huthi"},
		{"قاسم سلیمانی", Unknown, "qasem selimani"},
		{"حسن روحانی", Unknown, "hassan rouhani"},
		{"اسماعیل قاآنی", Unknown, "esmail qaani"},
	} {
		if got := formTexts(Forms(c.name, c.kind)); !slices.Contains(got, c.want) {
			t.Errorf("Forms(%s) = %q, want %q among them", c.name, got, c.want)
		}
	}
	// Not organizations: no English reading.
	for _, n := range []string{"華為", "习近平", "王小明"} {
		for _, f := range Forms(n, Unknown) {
			if f.Text == "huawei" || len(f.Steps) > 0 && slices.ContainsFunc(f.Steps, func(s string) bool { return len(s) > 9 && s[:9] == "segmented" }) {
				t.Errorf("%s read as an organization: %q", n, f.Text)
			}
		}
	}
	// 은정 김 is written given name first: no North Korean spelling.
	if slices.Contains(formTexts(Forms("은정 김", Unknown)), "kim unjong") {
		t.Error("은정 김 has a North Korean spelling")
	}
}

func TestHanNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"第十四研究所", 3, "14th"}, {"第一", 2, "1st"}, {"第二十二", 4, "22nd"}, {"第十三", 3, "13th"},
		{"第一百零三", 5, "103rd"}, {"七一一所", 3, "711"},
	} {
		n, got, ok := hanNumber([]rune(c.in))
		if !ok || n != c.n || got[0] != c.want {
			t.Errorf("hanNumber(%s) = %d %q %v, want %d %q", c.in, n, got, ok, c.n, c.want)
		}
	}
	for _, in := range []string{"第", "十四", "七一", "研究所"} {
		if _, _, ok := hanNumber([]rune(in)); ok {
			t.Errorf("hanNumber(%s) reads a number", in)
		}
	}
}
