// Package gen writes realistic synthetic sanctions and PEP data, for
// measuring ties at the scale of OpenSanctions (about a million entities,
// several million names) on one machine: FollowTheMoney JSON lines of
// people, organizations and vessels, with names from many cultures and
// scripts (Latin, Cyrillic, Arabic, Han, Hangul), aliases and
// transliterations, birth dates, countries and identifiers, in roughly
// the proportions of real sanctions data. Output is deterministic for a
// seed. It is pure: it writes to the io.Writer it is given.
package gen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Options say what to generate.
type Options struct {
	Entities int    // how many entities
	Seed     uint64 // same seed, same output
}

// culture is a family of names: parts in its own script, the Latin
// spellings lists give them, and the countries it is found in.
type culture struct {
	name      string
	given     [][2]string // {own script, Latin}
	surnames  [][2]string
	countries []string
	surFirst  bool // the surname is written first (Han, Hangul)
	joinHan   bool // no space between surname and given name in own script
}

var cultures = []culture{
	{name: "anglo", given: pairs("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Susan", "Richard", "Jessica", "Thomas", "Sarah"),
		surnames: pairs("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Moore", "Clark", "Walker", "Hall", "Young"), countries: []string{"us", "gb", "ca", "au"}},
	{name: "hispanic", given: pairs("José", "María", "Juan", "Carmen", "Luis", "Ana", "Carlos", "Lucía", "Jorge", "Elena", "Miguel", "Rosa"),
		surnames: pairs("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera"), countries: []string{"mx", "co", "ve", "es", "cu", "ni"}},
	{name: "russian", given: [][2]string{{"Александр", "Aleksandr"}, {"Сергей", "Sergei"}, {"Дмитрий", "Dmitry"}, {"Андрей", "Andrei"}, {"Алексей", "Alexei"}, {"Ольга", "Olga"}, {"Елена", "Elena"}, {"Наталья", "Natalya"}, {"Игорь", "Igor"}, {"Владимир", "Vladimir"}},
		surnames: [][2]string{{"Иванов", "Ivanov"}, {"Смирнов", "Smirnov"}, {"Кузнецов", "Kuznetsov"}, {"Попов", "Popov"}, {"Соколов", "Sokolov"}, {"Лебедев", "Lebedev"}, {"Козлов", "Kozlov"}, {"Новиков", "Novikov"}, {"Морозов", "Morozov"}, {"Волков", "Volkov"}}, countries: []string{"ru", "by", "ua", "kz"}},
	{name: "arabic", given: [][2]string{{"محمد", "Muhammad"}, {"أحمد", "Ahmad"}, {"علي", "Ali"}, {"حسن", "Hassan"}, {"عمر", "Omar"}, {"خالد", "Khalid"}, {"يوسف", "Yusuf"}, {"عبدالله", "Abdullah"}, {"فاطمة", "Fatima"}, {"مريم", "Maryam"}},
		surnames: [][2]string{{"الحسيني", "al-Husseini"}, {"العبيدي", "al-Ubaidi"}, {"الرشيد", "al-Rashid"}, {"المصري", "al-Masri"}, {"التكريتي", "al-Tikriti"}, {"الهاشمي", "al-Hashimi"}, {"الشمري", "al-Shammari"}, {"الدوري", "al-Douri"}}, countries: []string{"iq", "sy", "ye", "lb", "sa", "eg", "ir"}},
	{name: "chinese", given: [][2]string{{"伟", "Wei"}, {"芳", "Fang"}, {"娜", "Na"}, {"敏", "Min"}, {"静", "Jing"}, {"强", "Qiang"}, {"磊", "Lei"}, {"军", "Jun"}, {"洋", "Yang"}, {"勇", "Yong"}, {"建国", "Jianguo"}, {"志强", "Zhiqiang"}},
		surnames: [][2]string{{"王", "Wang"}, {"李", "Li"}, {"张", "Zhang"}, {"刘", "Liu"}, {"陈", "Chen"}, {"杨", "Yang"}, {"赵", "Zhao"}, {"黄", "Huang"}, {"周", "Zhou"}, {"吴", "Wu"}}, countries: []string{"cn", "hk"}, surFirst: true, joinHan: true},
	{name: "korean", given: [][2]string{{"정은", "Jong Un"}, {"영철", "Yong Chol"}, {"명수", "Myong Su"}, {"철호", "Chol Ho"}, {"성민", "Song Min"}, {"혜진", "Hye Jin"}, {"지훈", "Ji Hun"}},
		surnames: [][2]string{{"김", "Kim"}, {"리", "Ri"}, {"박", "Pak"}, {"최", "Choe"}, {"정", "Jong"}, {"강", "Kang"}, {"조", "Jo"}}, countries: []string{"kp"}, surFirst: true, joinHan: true},
}

func pairs(names ...string) [][2]string {
	out := make([][2]string, len(names))
	for i, n := range names {
		out[i] = [2]string{n, n}
	}
	return out
}

var (
	orgWords   = []string{"Trading", "Industrial", "Shipping", "Energy", "Petroleum", "Machinery", "Electronics", "Aviation", "Technology", "Logistics", "Metals", "Chemical", "Investment", "Construction", "Marine", "Defense", "Research", "Engineering"}
	orgNames   = []string{"Northwind", "Zenith", "Orion", "Atlas", "Polaris", "Meridian", "Sapphire", "Crescent", "Falcon", "Aurora", "Pioneer", "Horizon", "Vanguard", "Summit", "Delta", "Phoenix", "Nova", "Titan", "Everest", "Silk Road"}
	legalForms = []string{"LLC", "Ltd.", "Co., Ltd.", "JSC", "OOO", "GmbH", "S.A.", "FZE", "PJSC", "Company", "Group", "Corporation"}
	places     = []string{"Shenzhen", "Dubai", "Moscow", "Tehran", "Caracas", "Pyongyang", "Damascus", "Minsk", "Hong Kong", "Istanbul", "Tianjin", "Vladivostok", "Beirut", "Panama"}
	vessels    = []string{"Ocean", "Star", "Glory", "Pearl", "Spirit", "Wind", "Dawn", "Fortune", "Harmony", "Victory"}
	datasets   = [][]string{{"us_ofac_sdn"}, {"un_sc_sanctions"}, {"eu_fsf"}, {"gb_hmt_sanctions"}, {"us_ofac_sdn", "eu_fsf"}, {"ch_seco_sanctions"}, {"everypolitician"}, {"us_bis_denied"}}
)

type entity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	FirstSeen  string              `json:"first_seen"`
}

// Write writes opt.Entities FollowTheMoney entities as JSON lines.
func Write(w io.Writer, opt Options) error {
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	for i := range opt.Entities {
		var e entity
		switch x := r.IntN(100); {
		case x < 62: // people: most of sanctions and PEP data
			e = person(r)
		case x < 95:
			e = organization(r)
		default:
			e = vessel(r)
		}
		e.ID = fmt.Sprintf("gen-%d-%d", opt.Seed, i)
		e.Datasets = datasets[r.IntN(len(datasets))]
		e.FirstSeen = fmt.Sprintf("%04d-%02d-%02dT00:00:00", 2005+r.IntN(21), 1+r.IntN(12), 1+r.IntN(28))
		if err := enc.Encode(&e); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func person(r *rand.Rand) entity {
	c := cultures[weighted(r, []int{20, 15, 20, 25, 12, 8})]
	g, s := pick(r, c.given), pick(r, c.surnames)
	latin := g[1] + " " + s[1]
	own := g[0] + " " + s[0]
	if c.surFirst {
		latin = s[1] + " " + g[1]
		if c.joinHan {
			own = s[0] + g[0]
		} else {
			own = s[0] + " " + g[0]
		}
	}
	if c.name == "arabic" && r.IntN(2) == 0 { // a father's name: Muhammad bin Ali al-Rashid
		f := pick(r, c.given)
		latin = g[1] + " bin " + f[1] + " " + s[1]
		own = g[0] + " بن " + f[0] + " " + s[0]
	}
	p := map[string][]string{"name": {latin}}
	if own != latin {
		p["alias"] = append(p["alias"], own)
	}
	if r.IntN(3) == 0 { // the list's "LAST, First" form
		p["alias"] = append(p["alias"], strings.ToUpper(s[1])+", "+g[1])
	}
	if r.IntN(4) == 0 { // a spelling variant
		p["alias"] = append(p["alias"], variant(r, latin))
	}
	if r.IntN(10) < 7 {
		p["birthDate"] = []string{birthDate(r)}
	}
	p["nationality"] = []string{pick(r, c.countries)}
	if r.IntN(10) < 3 {
		p["passportNumber"] = []string{fmt.Sprintf("%c%08d", 'A'+rune(r.IntN(26)), r.IntN(100000000))}
	}
	return entity{Schema: "Person", Properties: p}
}

func organization(r *rand.Rand) entity {
	name := pick(r, orgNames) + " " + pick(r, orgWords) + " " + pick(r, legalForms)
	if r.IntN(3) == 0 {
		name = pick(r, places) + " " + name
	}
	p := map[string][]string{"name": {name}, "country": {pick(r, []string{"cn", "ru", "ir", "ae", "kp", "sy", "tr", "hk", "by", "ve"})}}
	if r.IntN(3) == 0 {
		p["alias"] = []string{acronym(name)}
	}
	if r.IntN(5) < 2 {
		p["registrationNumber"] = []string{fmt.Sprintf("%d", 1000000000+r.IntN(900000000))}
	}
	schema := "Company"
	if r.IntN(5) == 0 {
		schema = "Organization"
	}
	return entity{Schema: schema, Properties: p}
}

func vessel(r *rand.Rand) entity {
	name := strings.ToUpper(pick(r, vessels) + " " + pick(r, vessels))
	if r.IntN(2) == 0 {
		name += fmt.Sprintf(" %d", 1+r.IntN(9))
	}
	return entity{Schema: "Vessel", Properties: map[string][]string{"name": {name},
		"imoNumber": {fmt.Sprintf("%07d", 9000000+r.IntN(999999))}, "flag": {pick(r, []string{"pa", "lr", "mh", "kp", "ir", "tg"})}}}
}

func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func birthDate(r *rand.Rand) string {
	y := 1940 + r.IntN(60)
	if r.IntN(4) == 0 {
		return fmt.Sprintf("%d", y) // lists often give the year alone
	}
	return fmt.Sprintf("%d-%02d-%02d", y, 1+r.IntN(12), 1+r.IntN(28))
}

// variant spells a name as another transliteration or a typo would.
func variant(r *rand.Rand, s string) string {
	for _, sw := range [][2]string{{"Muhammad", "Mohammed"}, {"Aleksandr", "Alexander"}, {"Sergei", "Sergey"}, {"Yusuf", "Youssef"}, {"al-", "el-"}, {"ov", "off"}, {"Kim", "Gim"}, {"Ri", "Lee"}} {
		if strings.Contains(s, sw[0]) {
			return strings.Replace(s, sw[0], sw[1], 1)
		}
	}
	b := []rune(s)
	if len(b) > 4 {
		i := 1 + r.IntN(len(b)-2)
		b[i], b[i+1] = b[i+1], b[i]
	}
	return string(b)
}

func acronym(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if c := w[0]; c >= 'A' && c <= 'Z' {
			b.WriteByte(c)
		}
	}
	return b.String()
}
