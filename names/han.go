package names

import (
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// toSimplified maps each Traditional character to its Simplified form
// (OpenCC TSCharacters, first candidate). Phrase-level conversion is not
// needed for names: their characters are mostly unambiguous.
func toSimplified(s string) string {
	changed := false
	for _, r := range s {
		if _, ok := t2sTable[r]; ok {
			changed = true
			break
		}
	}
	if !changed {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if t, ok := t2sTable[r]; ok {
			r = t
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ToSimplified converts Traditional Chinese characters to Simplified ones,
// character by character; other text is unchanged.
func ToSimplified(s string) string { return toSimplified(s) }

func hasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

func allHan(s string) bool {
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return s != ""
}

// phraseReadings fixes characters whose first dictionary reading is wrong in
// common organization and place words (go-pinyin reads per character).
var phraseReadings = map[string][]string{
	"银行": {"yin", "hang"}, "重庆": {"chong", "qing"}, "长春": {"chang", "chun"},
	"长沙": {"chang", "sha"}, "长江": {"chang", "jiang"}, "长城": {"chang", "cheng"},
	"长安": {"chang", "an"}, "厦门": {"xia", "men"}, "重工": {"zhong", "gong"},
	"重型": {"zhong", "xing"}, "音乐": {"yin", "yue"}, "行业": {"hang", "ye"},
	"发行": {"fa", "xing"}, "调查": {"diao", "cha"}, "朝鲜": {"chao", "xian"},
	"单位": {"dan", "wei"}, "会计": {"kuai", "ji"}, "蚌埠": {"beng", "bu"},
	"六安": {"lu", "an"}, "番禺": {"pan", "yu"}, "乐清": {"yue", "qing"},
}

// surnameReadings are readings a character takes as a surname that differ
// from its first dictionary reading.
var surnameReadings = map[rune]string{
	'单': "shan", '曾': "zeng", '区': "ou", '仇': "qiu", '解': "xie", '朴': "piao",
	'查': "zha", '盖': "ge", '黑': "he", '乐': "yue", '缪': "miao", '覃': "qin",
	'秘': "bi", '翟': "zhai", '种': "chong", '折': "she", '召': "shao", '繁': "po",
	'员': "yun", '便': "pian", '能': "nai", '宓': "mi", '长': "chang", '重': "chong",
	'尉': "wei", '蕃': "pi", '冼': "xian", '柏': "bai", '薄': "bo", '句': "gou",
	'沈': "shen", '石': "shi", '纪': "ji", '华': "hua", '任': "ren", '牟': "mou",
	'万': "wan", '尹': "yin", '贲': "ben", '隗': "wei", '褚': "chu", '祭': "zhai",
}

// compoundSurnames are two-character surnames (Simplified).
var compoundSurnames = map[string]string{
	"欧阳": "ouyang", "司马": "sima", "诸葛": "zhuge", "上官": "shangguan", "皇甫": "huangfu",
	"司徒": "situ", "东方": "dongfang", "夏侯": "xiahou", "独孤": "dugu", "令狐": "linghu",
	"慕容": "murong", "宇文": "yuwen", "长孙": "zhangsun", "尉迟": "yuchi", "公孙": "gongsun",
	"轩辕": "xuanyuan", "端木": "duanmu", "南宫": "nangong", "西门": "ximen", "澹台": "tantai",
	"万俟": "moqi", "呼延": "huyan", "百里": "baili", "申屠": "shentu", "太史": "taishi",
	"闻人": "wenren", "钟离": "zhongli", "宗政": "zongzheng", "濮阳": "puyang", "淳于": "chunyu",
	"单于": "chanyu", "公冶": "gongye", "赫连": "helian", "拓跋": "tuoba", "司空": "sikong",
	"第五": "diwu", "左丘": "zuoqiu", "东郭": "dongguo", "乐正": "yuezheng", "谷梁": "guliang",
}

// pinyinSyllables returns the toneless syllables of a Han string, using
// phrase fixes; a character with no reading is kept as itself.
func pinyinSyllables(s string) []string {
	out := make([]string, 0, utf8.RuneCountInString(s))
	for i := 0; i < len(s); {
		if i+6 <= len(s) {
			if fix, ok := phraseReadings[s[i:i+6]]; ok {
				out = append(out, fix...)
				i += 6
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		out = append(out, charReading(r))
		i += n
	}
	return out
}

func charReading(r rune) string {
	if !isHan(r) {
		return string(r)
	}
	// The dictionary is read directly: go-pinyin's own tone removal runs
	// regular expressions per character, too slow for an index build.
	readings, ok := pinyin.PinyinDict[int(r)]
	if !ok || readings == "" {
		return string(r)
	}
	if i := strings.IndexByte(readings, ','); i >= 0 {
		readings = readings[:i]
	}
	return stripTones(readings)
}

// stripTones removes tone marks from a pinyin syllable and writes ü as u,
// as Latin-script documents do ("Lu", "Nu").
func stripTones(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		switch r {
		case 'ā', 'á', 'ǎ', 'à':
			r = 'a'
		case 'ē', 'é', 'ě', 'è', 'ê', 'ế', 'ề', 'ễ':
			r = 'e'
		case 'ī', 'í', 'ǐ', 'ì':
			r = 'i'
		case 'ō', 'ó', 'ǒ', 'ò':
			r = 'o'
		case 'ū', 'ú', 'ǔ', 'ù', 'ü', 'ǖ', 'ǘ', 'ǚ', 'ǜ':
			r = 'u'
		case 'ń', 'ň', 'ǹ':
			r = 'n'
		case 'ḿ':
			r = 'm'
		default:
			continue // combining marks of decomposed readings
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hanPersonName splits a 2-4 character Simplified name into surname and
// given name, with their readings. ok is false when it does not look like a
// Chinese personal name.
func hanPersonName(s string) (surname, given, surPy string, givenPy []string, ok bool) {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 4 {
		return "", "", "", nil, false
	}
	if n >= 3 {
		// Compound surnames are two characters (6 bytes in UTF-8).
		if py, c := compoundSurnames[s[:6]]; c && len(s) > 6 {
			return s[:6], s[6:], py, pinyinSyllables(s[6:]), true
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	surPy, fixed := surnameReadings[r]
	if !fixed {
		surPy = charReading(r)
	}
	return s[:size], s[size:], surPy, pinyinSyllables(s[size:]), true
}
