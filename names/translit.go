package names

import (
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-unidecode"
)

// Transliteration: go-unidecode gives one Latin spelling for any script. For
// the scripts that matter most on sanctions lists it is not the spelling the
// lists use (Russian "Iurii" vs "Yuriy"/"Yuri", Arabic without vowels), so a
// few hand-written schemes add the common alternatives. Each input is
// normalized text (lower case, no accents).

// latinize returns unidecode's spelling of normalized text, normalized again
// (it may produce upper case or punctuation).
func latinize(s string) string {
	return Normalize(unidecode.Unidecode(s))
}

// cyrillic letters in a BGN/PCGN-like English scheme.
var cyrBGN = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u", 'ђ': "dj", 'ј': "j",
	'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
}

func isCyrVowel(r rune) bool {
	return strings.ContainsRune("аеёиоуыэюяіїє", r)
}

// cyrillicScheme transliterates normalized Cyrillic text. loose selects the
// informal spelling (й -> i, х -> h, word-final ий/ый -> y, кс -> x) that
// passports and the press often use: "Sergei", "Dmitry", "Alexey".
// Ukrainian text (і, ї, є or ґ present) reads г as h and и as y.
func cyrillicScheme(s string, loose bool) string {
	ukrainian := strings.ContainsAny(s, "іїєґ")
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		prev, next := rune(' '), rune(' ')
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		after := rune(' ')
		if i+2 < len(rs) {
			after = rs[i+2]
		}
		wordEnd := after == ' '
		switch {
		case (r == 'и' || r == 'ы') && next == 'й' && wordEnd:
			if loose {
				b.WriteString("y")
			} else if r == 'и' {
				b.WriteString("iy")
			} else {
				b.WriteString("y")
			}
			i++
			continue
		case r == 'е' && !loose && (prev == ' ' || isCyrVowel(prev) || prev == 'ь' || prev == 'ъ'):
			b.WriteString("ye")
			continue
		case ukrainian && r == 'г':
			b.WriteString("h")
			continue
		case ukrainian && r == 'и':
			b.WriteString("y")
			continue
		case loose && r == 'й':
			b.WriteString("i")
			continue
		case loose && r == 'х':
			b.WriteString("h")
			continue
		case loose && r == 'к' && next == 'с':
			b.WriteString("x")
			i++
			continue
		case loose && r == 'ё':
			b.WriteString("e")
			continue
		}
		if t, ok := cyrBGN[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return Normalize(b.String())
}

// greekScheme transliterates normalized Greek by modern pronunciation. With
// foreign set, ντ μπ γκ are read d b g everywhere, as in foreign names
// written in Greek (Βλαντίμιρ = Vladimir); otherwise nd mb ng inside words.
func greekScheme(s string, foreign bool) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		next := rune(' ')
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		initial := i == 0 || rs[i-1] == ' '
		pair := string([]rune{r, next})
		switch pair {
		case "ου":
			b.WriteString("u")
			i++
			continue
		case "αι":
			b.WriteString("e")
			i++
			continue
		case "ει", "οι", "υι":
			b.WriteString("i")
			i++
			continue
		case "αυ":
			b.WriteString("av")
			i++
			continue
		case "ευ":
			b.WriteString("ev")
			i++
			continue
		case "μπ", "ντ", "γκ":
			d := map[string]string{"μπ": "b", "ντ": "d", "γκ": "g"}[pair]
			if !foreign && !initial {
				d = map[string]string{"μπ": "mb", "ντ": "nd", "γκ": "ng"}[pair]
			}
			b.WriteString(d)
			i++
			continue
		case "γγ":
			b.WriteString("ng")
			i++
			continue
		}
		if t, ok := greekLetters[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return Normalize(b.String())
}

var greekLetters = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th",
	'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p",
	'ρ': "r", 'σ': "s", 'τ': "t", 'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// arabicWords are the most frequent name words, whose short vowels the
// script does not write and no letter rule can restore.
var arabicWords = map[string]string{
	"محمد": "muhammad", "احمد": "ahmad", "أحمد": "ahmad", "علي": "ali", "حسن": "hassan",
	"حسين": "hussein", "عبد": "abd", "الله": "allah", "عبدالله": "abdullah", "ابو": "abu",
	"أبو": "abu", "بن": "bin", "ابن": "ibn", "عمر": "omar", "خالد": "khalid",
	"ابراهيم": "ibrahim", "إبراهيم": "ibrahim", "يوسف": "yusuf", "مصطفى": "mustafa",
	"محمود": "mahmoud", "سعيد": "said", "صالح": "salih", "ناصر": "nasser", "عثمان": "othman",
	"حمد": "hamad", "سليمان": "suleiman", "عبدالرحمن": "abdulrahman", "عبدالعزيز": "abdulaziz",
	"جمال": "jamal", "فيصل": "faisal", "كريم": "karim", "رحمن": "rahman", "الرحمن": "al rahman",
	"اسامة": "usama", "أسامة": "usama", "بشار": "bashar", "الاسد": "al assad", "الأسد": "al assad",
	"قاسم": "qasim", "جعفر": "jafar", "موسى": "musa", "عيسى": "isa", "زين": "zain",
}

// arabicAbdNames are the names of God that follow "Abd al-" in names
// (عبدالملك = Abdul-Malik), spelled as the lists spell them; the letter
// rules cannot restore their short vowels.
var arabicAbdNames = map[string]string{
	"ملك": "malik", "خالق": "khaliq", "رحمن": "rahman", "رحيم": "rahim", "عزيز": "aziz",
	"كريم": "karim", "لطيف": "latif", "حميد": "hamid", "مجيد": "majid", "واحد": "wahid",
	"قادر": "qadir", "رزاق": "razzaq", "غني": "ghani", "جبار": "jabbar", "هادي": "hadi",
	"سلام": "salam", "وهاب": "wahhab", "ناصر": "nasir", "باسط": "basit", "حكيم": "hakim",
	"حليم": "halim", "جليل": "jalil", "رؤوف": "rauf", "فتاح": "fattah", "منعم": "munim",
	"قدوس": "quddus", "مالك": "malik", "معين": "muin", "حي": "hayy", "باري": "bari",
	"غفور": "ghafur", "ستار": "sattar", "علي": "ali", "عظيم": "azim", "رشيد": "rashid",
	"صمد": "samad", "حق": "haqq", "شكور": "shakur", "قهار": "qahhar", "ودود": "wadud",
}

var arabicLetters = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ب': "b", 'ت': "t", 'ث': "th",
	'ج': "j", 'ح': "h", 'خ': "kh", 'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s",
	'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z", 'ع': "", 'غ': "gh", 'ف': "f",
	'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'ة': "a", 'ى': "a",
	'ء': "", 'ئ': "", 'ؤ': "", 'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k",
	'ڤ': "v", 'ٹ': "t", 'ڈ': "d", 'ڑ': "r", 'ں': "n", 'ھ': "h", 'ے': "e", 'ۀ': "e",
}

// arabicScheme transliterates normalized Arabic-script text, reading و and
// ي (and Persian ی) as vowels u and i inside words and as w and y at a word
// start or before a vowel letter, "ال" as the article "al", and known name
// words from arabicWords.
func arabicScheme(s string) string {
	var b strings.Builder
	for wi, w := range strings.Fields(s) {
		if wi > 0 {
			b.WriteByte(' ')
		}
		if t, ok := arabicWords[w]; ok {
			b.WriteString(t)
			continue
		}
		// Abd al- with a name of God, written as one word: عبدالملك.
		if rest, ok := strings.CutPrefix(w, "عبدال"); ok && utf8.RuneCountInString(rest) >= 2 {
			b.WriteString("abdul ")
			if t, ok := arabicAbdNames[rest]; ok {
				b.WriteString(t)
				continue
			}
			w = rest
		}
		if strings.HasPrefix(w, "ال") && utf8.RuneCountInString(w) > 3 {
			b.WriteString("al ")
			w = w[len("ال"):]
			if t, ok := arabicAbdNames[w]; ok {
				b.WriteString(t)
				continue
			}
		}
		rs := []rune(w)
		for i, r := range rs {
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			vowelNext := next == 'ا' || next == 'و' || next == 'ي' || next == 'ی'
			// After a word-initial alif, و and ي close the syllable:
			// أيمن = ayman, أوس = aws.
			afterAlif := i == 1 && (rs[0] == 'ا' || rs[0] == 'أ' || rs[0] == 'إ')
			switch r {
			case 'ع':
				if i == 0 {
					b.WriteString("a") // عمر = omar, عبد = abd
				}
			case 'و':
				if i == 0 || vowelNext || afterAlif {
					b.WriteString("w")
				} else {
					b.WriteString("u")
				}
			case 'ي', 'ی':
				if i == 0 || vowelNext || afterAlif {
					b.WriteString("y")
				} else {
					b.WriteString("i")
				}
			default:
				if t, ok := arabicLetters[r]; ok {
					b.WriteString(t)
				} else {
					b.WriteRune(r)
				}
			}
		}
	}
	return Normalize(b.String())
}

var hebrewLetters = map[rune]string{
	'א': "a", 'ב': "b", 'ג': "g", 'ד': "d", 'ה': "h", 'ז': "z", 'ח': "kh", 'ט': "t",
	'כ': "k", 'ך': "k", 'ל': "l", 'מ': "m", 'ם': "m", 'נ': "n", 'ן': "n", 'ס': "s",
	'ע': "", 'פ': "p", 'ף': "f", 'צ': "ts", 'ץ': "ts", 'ק': "k", 'ר': "r", 'ש': "sh", 'ת': "t",
}

// hebrewScheme reads ו as v at a word start or doubled and as o/u inside a
// word, and י as y at a word start and i inside.
func hebrewScheme(s string) string {
	var b strings.Builder
	for wi, w := range strings.Fields(s) {
		if wi > 0 {
			b.WriteByte(' ')
		}
		rs := []rune(w)
		for i := 0; i < len(rs); i++ {
			r := rs[i]
			switch r {
			case 'ו':
				if i+1 < len(rs) && rs[i+1] == 'ו' {
					b.WriteString("v")
					i++
				} else if i == 0 {
					b.WriteString("v")
				} else {
					b.WriteString("u")
				}
			case 'י':
				if i+1 < len(rs) && rs[i+1] == 'י' {
					b.WriteString("y")
					i++
				} else if i == 0 {
					b.WriteString("y")
				} else {
					b.WriteString("i")
				}
			default:
				if t, ok := hebrewLetters[r]; ok {
					b.WriteString(t)
				} else {
					b.WriteRune(r)
				}
			}
		}
	}
	return Normalize(b.String())
}

// foreignArabic rewrites a vowelled Arabic transliteration for foreign
// names, which Arabic spells with ف for v and ب for p (فلاديمير بوتين =
// Vladimir Putin), and Persian with initial و for v.
func foreignArabic(s string) string {
	var b strings.Builder
	for i, w := range strings.Fields(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		if strings.HasPrefix(w, "w") {
			w = "v" + w[1:]
		}
		w = strings.NewReplacer("f", "v", "b", "p").Replace(w)
		b.WriteString(w)
	}
	return b.String()
}

// brahmic scripts write long vowels that unidecode doubles ("vlaadimiir").
var brahmic = map[string]bool{
	"Devanagari": true, "Bengali": true, "Kannada": true, "Tamil": true, "Telugu": true,
	"Malayalam": true, "Gujarati": true, "Gurmukhi": true, "Khmer": true, "Myanmar": true,
	"Sinhala": true, "Thai": true, "Lao": true,
}

// collapseLongVowels shortens doubled vowels: "vlaadimiir" -> "vladimir".
func collapseLongVowels(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i > 0 && c == s[i-1] && strings.IndexByte("aeiou", c) >= 0 {
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// arabicVowelled restores the short vowels Arabic script does not write
// the simplest way that reaches the lists' spellings: an "a" between two
// consonants of a word ("zwahri" -> "zawahari", "aymn" -> "ayman"), not
// after a y or w that closes a syllable, with sh, kh, th, dh, gh one
// consonant each.
func arabicVowelled(s string) string {
	var b strings.Builder
	for wi, w := range strings.Fields(s) {
		if wi > 0 {
			b.WriteByte(' ')
		}
		if len(w) <= 2 || !isASCII(w) || w == "abdul" || w == "bin" || w == "ibn" || w == "abu" {
			b.WriteString(w)
			continue
		}
		prevCons, prevVowel := false, false
		for i := 0; i < len(w); i++ {
			c := w[i]
			unit := w[i : i+1]
			if i+1 < len(w) && w[i+1] == 'h' && strings.IndexByte("sktdgcz", c) >= 0 {
				unit = w[i : i+2]
			}
			vowel := strings.IndexByte("aeiou", c) >= 0
			if !vowel && prevCons {
				b.WriteByte('a')
			}
			b.WriteString(unit)
			i += len(unit) - 1
			// y or w after a vowel closes the syllable: no vowel after it.
			closing := (c == 'y' || c == 'w') && prevVowel
			prevCons = !vowel && !closing
			prevVowel = vowel
		}
	}
	return b.String()
}

// isPersian tells Arabic-script text with letters only Persian (and Urdu)
// use: پ چ ژ گ ک ی.
func isPersian(s string) bool {
	return strings.ContainsAny(s, "پچژگکی")
}

// persianWords are frequent Iranian given names, spelled as Iranian names
// reach the lists where the Arabic spelling differs (Qasem, not Qasim).
var persianWords = map[string]string{
	"قاسم": "qasem", "محمد": "mohammad", "حسین": "hossein", "حسين": "hossein", "مهدی": "mehdi",
	"رضا": "reza", "جواد": "javad", "کاظم": "kazem", "هاشم": "hashem", "عباس": "abbas",
	"محسن": "mohsen", "حمید": "hamid", "مجید": "majid", "سعید": "saeed", "جعفر": "jafar",
}

// persianScheme transliterates Persian as Iranian names reach the lists:
// و is v where it is a consonant (javad) and ou where a vowel (rouhani), a
// final ه after a consonant is e (khamene), ژ is j (nejad), a word-initial
// alif before a consonant other than ح, ع, ه is e (ebrahim, esmail), ئ
// between vowels is a (raisi).
func persianScheme(s string) string {
	var b strings.Builder
	for wi, w := range strings.Fields(s) {
		if wi > 0 {
			b.WriteByte(' ')
		}
		if t, ok := persianWords[w]; ok {
			b.WriteString(t)
			continue
		}
		if t, ok := arabicWords[w]; ok {
			b.WriteString(t)
			continue
		}
		rs := []rune(w)
		for i, r := range rs {
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			vowelNext := next == 'ا' || next == 'و' || next == 'ي' || next == 'ی' || next == 'آ'
			switch {
			case i == 0 && (r == 'ا' || r == 'إ') && next != 0 && !vowelNext && next != 'ح' && next != 'ع' && next != 'ه' && next != 'ل':
				b.WriteString("e")
			case r == 'و':
				if i == 0 || vowelNext {
					b.WriteString("v")
				} else {
					b.WriteString("ou")
				}
			case r == 'ي' || r == 'ی':
				if i == 0 || vowelNext {
					b.WriteString("y")
				} else {
					b.WriteString("i")
				}
			case r == 'ه' && i == len(rs)-1 && i > 0:
				b.WriteString("e")
			case r == 'ژ':
				b.WriteString("j")
			case r == 'ئ':
				b.WriteString("a")
			case r == 'ع' && i == 0:
				b.WriteString("a")
			default:
				if t, ok := arabicLetters[r]; ok {
					b.WriteString(t)
				} else {
					b.WriteRune(r)
				}
			}
		}
	}
	return Normalize(b.String())
}

// persianVowelled restores short vowels in a Persian transliteration: e
// between two consonants after a long a (qasem, kazem) and between two
// consonants at a word start (nejad), as arabicVowelled does with a.
func persianVowelled(s string) string {
	var b strings.Builder
	for wi, w := range strings.Fields(s) {
		if wi > 0 {
			b.WriteByte(' ')
		}
		if len(w) <= 2 || !isASCII(w) {
			b.WriteString(w)
			continue
		}
		prevCons, afterA, start := false, false, true
		for i := 0; i < len(w); i++ {
			c := w[i]
			unit := w[i : i+1]
			if i+1 < len(w) && w[i+1] == 'h' && strings.IndexByte("sktdgcz", c) >= 0 {
				unit = w[i : i+2]
			}
			vowel := strings.IndexByte("aeiou", c) >= 0
			if !vowel && prevCons && (afterA || start) {
				b.WriteByte('e')
			}
			b.WriteString(unit)
			i += len(unit) - 1
			if vowel {
				afterA, start = c == 'a', false
			} else if prevCons {
				afterA, start = false, false
			}
			prevCons = !vowel
		}
	}
	return b.String()
}
