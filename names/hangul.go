package names

import "strings"

// Korean names reach the lists in Latin script: the SDN writes North
// Korean names as North Korea does (McCune-Reischauer without diacritics:
// "KIM, Jong Un", "RI, Pyong Chol", "CHOE, Ryong Hae"), South Korean
// documents in Revised Romanization ("Gim Jeong-eun") with the family's
// customary surname spelling (Kim, Lee, Park). Hangul syllables are
// decomposed arithmetically (Unicode: syllable = 0xAC00 + (initial×21 +
// vowel)×28 + final), so no table of syllables is needed.

const (
	hangulFirst = 0xAC00
	hangulLast  = 0xD7A3
)

// Initials, vowels and finals in the North Korean (McCune-Reischauer as
// the DPRK writes it: ㅈ = j, ㄹ = r) and Revised spellings.
var (
	hangulInitialMR = [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulInitialRR = [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulVowelMR   = [21]string{"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"}
	hangulVowelRR   = [21]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	hangulFinal     = [28]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

// koreanSurnames gives the customary spellings of common surnames: the
// North Korean one, then the South Korean one, where they differ from the
// syllable rules.
var koreanSurnames = map[string][2]string{
	"김": {"kim", "kim"}, "이": {"ri", "lee"}, "리": {"ri", "lee"}, "박": {"pak", "park"},
	"최": {"choe", "choi"}, "정": {"jong", "jung"}, "조": {"jo", "cho"}, "강": {"kang", "kang"},
	"윤": {"yun", "yoon"}, "장": {"jang", "jang"}, "임": {"rim", "lim"}, "림": {"rim", "lim"},
	"한": {"han", "han"}, "오": {"o", "oh"}, "신": {"sin", "shin"}, "서": {"so", "seo"},
	"권": {"kwon", "kwon"}, "황": {"hwang", "hwang"}, "안": {"an", "ahn"}, "송": {"song", "song"},
	"류": {"ryu", "yoo"}, "유": {"yu", "yoo"}, "홍": {"hong", "hong"}, "전": {"jon", "jeon"},
	"고": {"ko", "ko"}, "문": {"mun", "moon"}, "손": {"son", "son"}, "양": {"ryang", "yang"},
	"배": {"pae", "bae"}, "백": {"paek", "baek"}, "허": {"ho", "heo"}, "남": {"nam", "nam"},
	"노": {"ro", "noh"}, "로": {"ro", "roh"}, "주": {"ju", "joo"}, "구": {"ku", "koo"},
	"곽": {"kwak", "kwak"}, "현": {"hyon", "hyun"}, "태": {"thae", "tae"}, "방": {"pang", "bang"},
}

func isHangulSyllable(r rune) bool { return r >= hangulFirst && r <= hangulLast }

// hangulSyllables romanizes each syllable of a word of Hangul syllables;
// ok is false when the word has anything else.
func hangulSyllables(w string, revised bool) ([]string, bool) {
	var out []string
	for _, r := range w {
		if !isHangulSyllable(r) {
			return nil, false
		}
		i := int(r - hangulFirst)
		l, v, t := i/(21*28), i%(21*28)/28, i%28
		var s string
		if revised {
			s = hangulInitialRR[l] + hangulVowelRR[v] + hangulFinal[t]
		} else {
			s = hangulInitialMR[l] + hangulVowelMR[v] + hangulFinal[t]
		}
		out = append(out, s)
	}
	return out, len(out) > 0
}

// hangulForms adds romanizations of a Hangul name: North Korean spelling
// with the given name's syllables joined ("kim jongun"; the SDN's "KIM,
// Jong Un" is joined to meet it), Revised Romanization ("gim jeongeun"),
// and the South
// Korean customary surname with the Revised given name ("kim jeongeun").
// A name of one word of two to four syllables is read as surname and
// given name.
func hangulForms(fs *formSet, base string, steps []string, d Derivation) (string, []string) {
	words := strings.Fields(base)
	if len(words) == 0 || len(words) > 4 {
		return "", nil
	}
	var sur string
	given, western := words, false
	if len(words) == 1 {
		rs := []rune(words[0])
		if len(rs) < 2 || len(rs) > 4 {
			return "", nil
		}
		sur, given = string(rs[0]), []string{string(rs[1:])}
	} else if len([]rune(words[0])) == 1 {
		sur, given = words[0], words[1:]
	} else if last := words[len(words)-1]; len([]rune(last)) == 1 {
		// Given name first, in Western order (은정 김): how South
		// Koreans abroad write their names; North Korean names are
		// written surname first, so the North Korean spelling is left
		// out.
		sur, given = last, words[:len(words)-1]
		western = true
	}
	var mrJoined, rrJoined []string
	for _, w := range given {
		mr, ok := hangulSyllables(w, false)
		if !ok {
			return "", nil
		}
		rr, _ := hangulSyllables(w, true)
		mrJoined = append(mrJoined, strings.Join(mr, ""))
		rrJoined = append(rrJoined, strings.Join(rr, ""))
	}
	var surMR, surRR, surSouth string
	if sur != "" {
		mr, ok := hangulSyllables(sur, false)
		if !ok {
			return "", nil
		}
		rr, _ := hangulSyllables(sur, true)
		surMR, surRR, surSouth = mr[0], rr[0], rr[0]
		if c, ok := koreanSurnames[sur]; ok {
			surMR, surSouth = c[0], c[1]
		}
		if len(surRR) < 2 {
			// 이 = "I", 오 = "O": spelled so by nobody, and a lone
			// letter meets any initial.
			surRR = surSouth
		}
	}
	join := func(s string, rest []string) string {
		if s == "" {
			return strings.Join(rest, " ")
		}
		return s + " " + strings.Join(rest, " ")
	}
	// Syllables are exact readings (Reading): "kim jongun" meets "KIM,
	// Jong Un" by joining the listed syllables, and never "Un Jong" or
	// "Yong Chol" for 병철.
	d.Reading = true
	first := join(surMR, mrJoined)
	firstSteps := appendStep(steps, "romanized (Korean, North Korean spelling): "+base+" = "+first)
	for _, v := range []struct{ text, scheme string }{
		{first, "North Korean spelling"},
		{join(surSouth, rrJoined), "Revised Romanization, customary surname"},
		{join(surRR, rrJoined), "Revised Romanization"},
	} {
		if v.text == "" || western && v.text == first {
			continue
		}
		fs.add(v.text, d, appendStep(steps, "romanized (Korean, "+v.scheme+"): "+base+" = "+v.text)...)
	}
	if western {
		first = join(surSouth, rrJoined)
		firstSteps = appendStep(steps, "romanized (Korean, Revised Romanization, customary surname): "+base+" = "+first)
	}
	return first, firstSteps
}
