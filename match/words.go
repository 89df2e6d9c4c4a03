package match

// legalForms maps legal-form tokens to a canonical code. Legal forms say
// little about who an entity is, so they are split off and only a clash
// (AG against GmbH) counts.
var legalForms = map[string]string{
	"ag": "ag", "aktiengesellschaft": "ag", "aktiengeselschaft": "ag",
	"gmbh": "gmbh", "mbh": "gmbh",
	"ltd": "ltd", "limited": "ltd", "ltda": "ltd",
	"inc": "inc", "incorporated": "inc",
	"llc": "llc", "llp": "llp", "lp": "lp",
	"corp": "corp", "corporation": "corp",
	"co": "co", "company": "co", "cie": "co",
	"plc": "plc", "sa": "sa", "sas": "sas", "sarl": "sarl", "srl": "srl", "spa": "spa",
	"bv": "bv", "nv": "nv", "ab": "ab", "oy": "oy", "as": "as", "asa": "as",
	"kg": "kg", "ohg": "ohg", "se": "se",
	"jsc": "jsc", "ojsc": "ojsc", "oao": "ojsc", "pao": "pjsc", "pjsc": "pjsc",
	"zao": "cjsc", "cjsc": "cjsc", "ooo": "llc", "tov": "llc",
	"pte": "pte", "pty": "pty", "bhd": "bhd", "sdn": "sdn", "kk": "kk",
	"fze": "fze", "fzco": "fzco", "fzc": "fzc", "dmcc": "dmcc",
}

type legalPhrase struct {
	words []string
	code  string
}

// legalPhrases are multi-word legal forms, longest first.
var legalPhrases = []legalPhrase{
	{[]string{"open", "joint", "stock", "company"}, "oao"},
	{[]string{"closed", "joint", "stock", "company"}, "zao"},
	{[]string{"public", "joint", "stock", "company"}, "pjsc"},
	{[]string{"joint", "stock", "company"}, "jsc"},
	{[]string{"limited", "liability", "company"}, "llc"},
	{[]string{"limited", "liability", "partnership"}, "llp"},
	{[]string{"public", "limited", "company"}, "plc"},
	{[]string{"limited", "partnership"}, "lp"},
	{[]string{"l", "l", "c"}, "llc"},
	{[]string{"l", "p"}, "lp"},
	{[]string{"s", "a", "r", "l"}, "sarl"},
	{[]string{"g", "m", "b", "h"}, "gmbh"},
	{[]string{"s", "a"}, "sa"},
	{[]string{"b", "v"}, "bv"},
	{[]string{"n", "v"}, "nv"},
	{[]string{"s", "l"}, "sl"},
	{[]string{"co", "ltd"}, "ltd"},
}

// equivalents are spellings of the same particle or word.
var equivalents = map[string]string{
	"ibn": "bin", "ben": "bin", "bint": "bin", "ibni": "bin",
	"el": "al", "ul": "al", "ol": "al",
	"mohammed": "muhammad", "mohamed": "muhammad", "mohammad": "muhammad",
	"muhammed": "muhammad", "mohamad": "muhammad", "muhamad": "muhammad",
	"mohd": "muhammad", "mhd": "muhammad", "mohamud": "muhammad",
	"abdel": "abdul", "abdal": "abdul", "abdoul": "abdul", "abdol": "abdul",
	"usama": "osama",
	"intl":  "international", "int'l": "international", "natl": "national",
	"dept": "department", "univ": "university", "inst": "institute",
	"and": "and", "und": "and", "et": "and",
}

// stopWords carry no identity.
var stopWords = map[string]bool{
	"the": true, "of": true, "and": true, "for": true, "a": false,
}

// titles are honorifics and offices that precede names.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true,
	"sir": true, "shaikh": true, "sheikh": true, "sheik": true, "president": true,
	"general": true, "colonel": true, "gen": true, "col": true, "maulavi": true,
	"mullah": true, "mawlawi": true, "maulvi": true, "qari": true, "hajji": true,
	"monsieur": true, "madame": true, "mme": true, "herr": true, "frau": true,
	"senor": true, "senora": true, "hon": true, "honorable": true, "excellency": true,
}

// particles are short connecting parts of names.
var particles = map[string]bool{
	"al": true, "bin": true, "abu": true, "de": true, "da": true, "del": true,
	"der": true, "van": true, "von": true, "la": true, "le": true, "di": true,
	"du": true, "dos": true, "das": true, "do": true, "y": true, "ould": true,
}

// commonOrgWords are frequent words of organization names that identify
// little on their own.
var commonOrgWords = map[string]bool{
	"group": true, "international": true, "trading": true, "industries": true,
	"industry": true, "holding": true, "holdings": true, "enterprise": true,
	"enterprises": true, "services": true, "technology": true, "technologies": true,
	"global": true, "general": true, "national": true, "institute": true,
	"university": true, "center": true, "centre": true, "research": true,
	"academy": true, "science": true, "sciences": true, "china": true,
	"chinese": true, "bank": true, "import": true, "export": true,
	"shipping": true, "investment": true, "development": true,
	"limited": true, "electronics": true, "engineering": true,
}

// commonGivenNames are given names so frequent on the lists that sharing
// one says little.
var commonGivenNames = map[string]bool{
	"muhammad": true, "ali": true, "ahmad": true, "ahmed": true, "abdul": true,
	"hassan": true, "hasan": true, "hussein": true, "husain": true, "abdullah": true,
	"ibrahim": true, "mahmoud": true, "omar": true, "umar": true, "khalid": true,
	"john": true, "maria": true, "jose": true, "juan": true, "carlos": true,
	"haji": true, "hajji": true, "mullah": true,
}

// romanNumerals that are not also common initials or words; they number
// funds, companies and vessels and must match exactly.
var romanNumerals = map[string]bool{
	"ii": true, "iii": true, "iv": true, "vi": true, "vii": true, "viii": true,
	"ix": true, "xi": true, "xii": true, "xiii": true, "xiv": true, "xv": true,
	"xvi": true, "xvii": true, "xviii": true, "xix": true, "xx": true,
}

// numberWords are number and ordinal words and their values.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40,
	"fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
	"fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
}

// orgWords are words that only organizations' names have; with
// commonOrgWords and legal forms they mark a query as an organization's
// name.
var orgWords = map[string]bool{
	"ministry": true, "committee": true, "organization": true, "organisation": true,
	"agency": true, "bureau": true, "association": true, "foundation": true,
	"front": true, "movement": true, "party": true, "army": true, "brigade": true,
	"council": true, "society": true, "union": true, "airlines": true, "airline": true,
	"aviation": true, "factory": true, "plant": true, "works": true, "laboratory": true,
	"laboratories": true, "school": true, "college": true, "hospital": true,
	"trust": true, "fund": true, "partners": true, "capital": true, "systems": true,
	"solutions": true, "logistics": true, "energy": true, "oil": true, "gas": true,
	"petroleum": true, "chemical": true, "chemicals": true, "pharmaceutical": true,
	"pharmaceuticals": true, "marine": true, "navigation": true, "media": true,
	"network": true, "networks": true, "software": true, "electric": true,
	"motors": true, "automotive": true, "airways": true, "insurance": true,
	"securities": true, "finance": true, "financial": true, "exchange": true,
	"resources": true, "mining": true, "metals": true, "steel": true, "construction": true,
	"telecom": true, "telecommunications": true, "communications": true, "semiconductor": true,
	"manufacturing": true, "products": true, "corp": true, "co": true, "inc": true,
	"department": true, "office": true, "directorate": true, "authority": true,
	"commission": true, "administration": true, "force": true, "forces": true,
	"battalion": true, "regiment": true, "division": true, "guard": true, "corps": true,
	"station": true, "port": true, "airport": true, "hotel": true, "restaurant": true,
	"store": true, "shop": true, "market": true, "studio": true, "studios": true,
}
