package ties

// HierarchyCycle reports the loop that adding tie add to ts would close
// among hierarchical ties (part_of, subsidiary_of, owned_by: Hierarchical):
// the entities from add.From up the hierarchy back to add.From, or nil
// when add closes no loop or is not hierarchical. Every write path that
// adds ties runs it (the .ties parser has its own, equivalent check, with
// line numbers).
func HierarchyCycle(ts []Tie, add Tie) []string {
	up := map[string][]string{}
	for _, t := range ts {
		if t.Kind.Hierarchical() {
			up[t.From] = append(up[t.From], t.To)
		}
	}
	return hierarchyCycle(up, add)
}

// FirstHierarchyCycle checks ts in order and reports the first tie whose
// addition closes a loop (its index, and the loop), or -1.
func FirstHierarchyCycle(ts []Tie) (int, []string) {
	up := map[string][]string{}
	for i, t := range ts {
		if loop := hierarchyCycle(up, t); loop != nil {
			return i, loop
		}
		if t.Kind.Hierarchical() {
			up[t.From] = append(up[t.From], t.To)
		}
	}
	return -1, nil
}

func hierarchyCycle(up map[string][]string, add Tie) []string {
	if !add.Kind.Hierarchical() {
		return nil
	}
	if add.From == add.To {
		return []string{add.From, add.To}
	}
	// A loop exists if add.From is reachable upwards from add.To.
	prev := map[string]string{add.To: ""}
	queue := []string{add.To}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == add.From {
			var path []string // add.From back down to add.To
			for m := n; m != ""; m = prev[m] {
				path = append(path, m)
			}
			loop := []string{add.From}
			for i := len(path) - 1; i >= 0; i-- {
				loop = append(loop, path[i])
			}
			return loop
		}
		for _, m := range up[n] {
			if _, seen := prev[m]; !seen {
				prev[m] = n
				queue = append(queue, m)
			}
		}
	}
	return nil
}
