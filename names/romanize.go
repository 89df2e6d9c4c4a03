package names

import "strings"

// Chinese names reach sanctions lists in three romanizations: Hanyu pinyin
// (Xi Jinping), Wade-Giles (Hsi Chin-p'ing, usual in Taiwan and older
// sources) and Cantonese spellings (Hong Kong, Macau, the diaspora: Chan,
// Wong, Cheung). This file reads the latter two back to pinyin. No Go library
// does this, so Wade-Giles is converted by its regular spelling rules, and
// Cantonese by a short table of the common surnames and name syllables.

// pinyinSet holds every toneless pinyin syllable (ü written u), from the
// go-pinyin dictionary.
var pinyinSet = func() map[string]bool {
	const all = "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo"
	m := make(map[string]bool, 420)
	for _, s := range strings.Fields(all) {
		m[s] = true
	}
	return m
}()

// cantonese maps Cantonese (Hong Kong government) spellings to pinyin
// readings, most likely first. Only spellings common in names are listed.
var cantonese = map[string][]string{
	"chan": {"chen"}, "wong": {"huang", "wang"}, "lee": {"li"}, "cheung": {"zhang"},
	"cheong": {"zhang"}, "leung": {"liang"}, "leong": {"liang"}, "lau": {"liu"},
	"ng": {"wu"}, "tsang": {"zeng"}, "kwok": {"guo"}, "yeung": {"yang"},
	"chow": {"zhou"}, "hui": {"xu"}, "ho": {"he"}, "lam": {"lin"}, "tam": {"tan"},
	"yip": {"ye"}, "siu": {"xiao"}, "choi": {"cai"}, "mak": {"mai"}, "fung": {"feng"},
	"kwan": {"guan"}, "tsui": {"xu", "cui"}, "chiu": {"zhao"}, "poon": {"pan"},
	"yuen": {"yuan"}, "szeto": {"situ"}, "law": {"luo"}, "sze": {"shi"}, "tong": {"tang"},
	"tse": {"xie"}, "lai": {"li", "lai"}, "cheng": {"zheng"}, "tang": {"deng", "tang"},
	"lo": {"lu", "luo"}, "mok": {"mo"}, "shek": {"shi"}, "kam": {"jin"}, "ko": {"gao"},
	"koo": {"gu"}, "tai": {"dai"}, "au": {"ou"}, "kong": {"jiang"}, "hung": {"hong"},
	"chu": {"zhu"}, "lui": {"lu", "lei"}, "ting": {"ding"}, "man": {"wen"},
	"ngai": {"wei"}, "yau": {"qiu", "you"}, "so": {"su"}, "kan": {"jian"},
	"wai": {"wei"}, "kin": {"jian"}, "wing": {"rong", "yong"}, "kit": {"jie"},
	"keung": {"qiang"}, "chun": {"zhen", "jun"}, "fai": {"hui"}, "hon": {"han"},
	"kei": {"ji", "qi"}, "yee": {"yi"}, "sum": {"sen"}, "hoi": {"hai"}, "tak": {"de"},
	"sing": {"sheng", "cheng"}, "shing": {"cheng", "sheng"}, "kwong": {"guang"},
	"ka": {"jia"}, "wah": {"hua"}, "yan": {"ren", "xin"}, "hin": {"xian"},
	"kwai": {"gui"}, "yiu": {"yao"}, "pui": {"pei"}, "lok": {"le"}, "fat": {"fa"},
	"chuen": {"quan"}, "tsz": {"zi"}, "chi": {"zhi"}, "kwun": {"jun"}, "ming": {"ming"},
	"mei": {"mei"}, "ling": {"ling"}, "ying": {"ying"}, "kai": {"qi", "jie"}, "yu": {"yu"},
	"wan": {"yun", "wen"}, "yin": {"xian", "yan"},
}

// cantoneseMarkers are spellings that only Cantonese uses; one of them makes
// the whole name read as Cantonese.
var cantoneseMarkers = map[string]bool{
	"chan": true, "wong": true, "lee": true, "cheung": true, "cheong": true, "leung": true,
	"leong": true, "lau": true, "ng": true, "tsang": true, "kwok": true, "yeung": true,
	"chow": true, "lam": true, "tam": true, "yip": true, "siu": true, "choi": true,
	"mak": true, "fung": true, "kwan": true, "poon": true, "yuen": true, "szeto": true,
	"law": true, "sze": true, "shek": true, "kam": true, "koo": true, "ngai": true,
	"yau": true, "keung": true, "kwong": true, "wah": true, "yiu": true, "pui": true,
	"lok": true, "tsz": true, "kwun": true, "chuen": true, "hoi": true, "tak": true,
}

// aspiratedFirst lists Wade-Giles spellings whose apostrophe is usually
// dropped in names although the aspirated reading is the common one:
// P'ing (平) is far more frequent in names than Ping (丙).
var aspiratedFirst = map[string]bool{
	"ping": true, "peng": true, "pan": true, "pei": true, "tien": true, "tang": true,
	"tan": true, "tsai": true, "tsui": true, "tsao": true, "chen": true, "chiu": true,
	"kang": true, "kung": true, "kai": true, "tai": true, "ting": false, "chiang": false,
	"kuan": true, "tao": true, "chang": false, "tsang": true, "chieh": false,
}

// wadeGiles converts one Wade-Giles syllable (lower case, apostrophe removed;
// aspirated tells whether it had one) to pinyin. It returns the reading to
// prefer and, when the apostrophe may have been dropped, the other one.
func wadeGiles(s string, aspirated bool) (first, second string, ok bool) {
	switch s {
	case "shih":
		return "shi", "", true
	case "jih":
		return "ri", "", true
	case "chih":
		if aspirated {
			return "chi", "", true
		}
		return "zhi", "chi", true
	case "ssu", "szu":
		return "si", "", true
	case "tzu", "tsu":
		if aspirated {
			return "ci", "", true
		}
		return "zi", "ci", true
	case "erh":
		return "er", "", true
	case "i":
		return "yi", "", true
	case "o":
		return "e", "", true
	case "yu":
		return "yu", "you", true
	}
	var ini, fin string
	for _, p := range []string{"hs", "ch", "sh", "ts", "tz", "k", "p", "t", "j", "m", "f", "n", "l", "h", "s", "w", "y"} {
		if strings.HasPrefix(s, p) {
			ini, fin = p, s[len(p):]
			break
		}
	}
	if ini == "" {
		ini, fin = "", s
	}
	if fin == "" {
		return "", "", false
	}
	// Finals that Wade-Giles spells differently.
	switch {
	case fin == "ieh":
		fin = "ie"
	case fin == "ien":
		fin = "ian"
	case fin == "iung":
		fin = "iong"
	case fin == "ung":
		fin = "ong"
	case fin == "ueh":
		fin = "ue"
	case fin == "uei":
		fin = "ui"
	case fin == "o" && (ini == "k" || ini == "h"):
		fin = "e"
	case fin == "o" && ini != "" && ini != "p" && ini != "m" && ini != "f" && ini != "y" && ini != "w":
		fin = "uo"
	case fin == "en" && ini == "y":
		fin = "an"
	case fin == "eh" && ini == "y":
		fin = "e"
	}
	var una, asp string // pinyin initial, unaspirated and aspirated
	switch ini {
	case "hs":
		una = "x"
	case "ch":
		if fin[0] == 'i' {
			una, asp = "j", "q"
		} else {
			una, asp = "zh", "ch"
		}
	case "k":
		una, asp = "g", "k"
	case "p":
		una, asp = "b", "p"
	case "t":
		una, asp = "d", "t"
	case "ts", "tz":
		una, asp = "z", "c"
	case "j":
		una = "r"
	default:
		una = ini
	}
	if ini == "hs" && fin[0] != 'i' && fin[0] != 'u' {
		return "", "", false
	}
	a := una + fin
	if asp == "" {
		if !pinyinSet[a] {
			return "", "", false
		}
		return a, "", true
	}
	b := asp + fin
	if aspirated {
		if !pinyinSet[b] {
			return "", "", false
		}
		return b, "", true
	}
	if !pinyinSet[a] {
		a = ""
	}
	if !pinyinSet[b] {
		b = ""
	}
	if a == "" && b == "" {
		return "", "", false
	}
	if a == "" {
		return b, "", true
	}
	if b == "" {
		return a, "", true
	}
	if aspiratedFirst[s] {
		a, b = b, a
	}
	return a, b, true
}

// romanToken is one word of a Latin-script name split at hyphens, with its
// candidate pinyin readings per syllable.
type romanSyllable struct {
	text       string
	candidates []string // most likely first
}

// chineseReadings reads a Latin-script name as Wade-Giles / Cantonese and
// returns up to two pinyin token lists (preferred, alternative). Hyphenated
// given names are joined ("chin-ping" -> "jinping"). ok is false unless
// every syllable is a Chinese syllable and at least one is not already
// pinyin (a pinyin name needs no reading).
func chineseReadings(words [][]romanSyllable) (first, second []string, ok bool) {
	cantoneseName := false
	nonPinyin := false
	for _, w := range words {
		for _, s := range w {
			if cantoneseMarkers[s.text] {
				cantoneseName = true
			}
		}
	}
	for _, w := range words {
		for i := range w {
			s := &w[i]
			var cands []string
			if c, isC := cantonese[s.text]; cantoneseName && isC && len(c) > 0 {
				cands = c
			}
			a, b, wg := wadeGiles(strings.TrimSuffix(s.text, "'"), strings.HasSuffix(s.text, "'"))
			if cands == nil && wg {
				cands = []string{a}
				if b != "" {
					cands = append(cands, b)
				}
			}
			if c, isC := cantonese[s.text]; cands == nil && isC && len(c) > 0 {
				cands = c
			}
			if cands == nil && pinyinSet[s.text] {
				cands = []string{s.text}
			}
			if cands == nil {
				return nil, nil, false
			}
			if !pinyinSet[s.text] || len(cands) > 1 || cands[0] != s.text {
				if !pinyinSet[strings.TrimSuffix(s.text, "'")] || cantoneseName || strings.HasSuffix(s.text, "'") {
					nonPinyin = true
				}
			}
			s.candidates = cands
		}
	}
	if !nonPinyin && !looksWadeGiles(words) {
		return nil, nil, false
	}
	var sb, sb2 strings.Builder
	differs := false
	for _, w := range words {
		sb.Reset()
		sb2.Reset()
		for _, s := range w {
			sb.WriteString(s.candidates[0])
			if len(s.candidates) > 1 {
				sb2.WriteString(s.candidates[1])
				differs = true
			} else {
				sb2.WriteString(s.candidates[0])
			}
		}
		first = append(first, sb.String())
		second = append(second, sb2.String())
	}
	if !differs {
		second = nil
	}
	return first, second, true
}

// romanWords splits a raw Latin-script name into words and hyphen-separated
// syllables, keeping a trailing "'" on a syllable that had an aspiration
// apostrophe (Ch'en). ok is false for names too long to be Chinese.
func romanWords(name string) ([][]romanSyllable, bool) {
	var words [][]romanSyllable
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return r == ' ' || r == ',' || r == '\t' || r == '(' || r == ')' || r == '.'
	}) {
		var syl []romanSyllable
		for _, p := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '‐' || r == '–' }) {
			asp := false
			for _, r := range p {
				if isApostrophe(r) {
					asp = true
				}
			}
			t := Normalize(p)
			if t == "" || strings.IndexByte(t, ' ') >= 0 || !isASCII(t) {
				return nil, false
			}
			if asp {
				t += "'"
			}
			syl = append(syl, romanSyllable{text: t})
		}
		if len(syl) == 0 {
			continue
		}
		if len(syl) > 3 {
			return nil, false
		}
		words = append(words, syl)
	}
	if len(words) == 0 || len(words) > 4 {
		return nil, false
	}
	return words, true
}

// looksWadeGiles reports whether a name that is also valid pinyin has a
// syllable whose Wade-Giles reading differs ("Chou En-lai"): such names are
// given the reading as an extra form.
func looksWadeGiles(words [][]romanSyllable) bool {
	for _, w := range words {
		for _, s := range w {
			if s.candidates[0] != s.text {
				return true
			}
		}
	}
	return false
}
