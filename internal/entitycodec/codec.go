// Package entitycodec is the compact binary form of a ties.Entity that the
// stores (sqlite, postgres) keep list entries and graph entities in.
package entitycodec

import (
	"encoding/binary"
	"errors"
	"fmt"

	"ties"
)

// Entities are stored as a compact binary blob rather than JSON: reading
// every list entry back (35k entities, 100k names) is on the path of every
// index build, and decoding JSON took half of that time.
//
// Layout: a format byte, then each field of ties.Entity in declaration
// order; a string is a uvarint length and its bytes, a slice a uvarint
// count and its elements. A new Entity field needs a new format byte, with
// the old one still decoded. TestEntityCodecCoversAllFields catches a
// field added to ties.Entity but not here.
const entityFormatV1 = 1

// Encode appends the blob of e to buf[:0] and returns it.
func Encode(buf []byte, e *ties.Entity) []byte {
	b := append(buf[:0], entityFormatV1)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	count := func(n int) { b = binary.AppendUvarint(b, uint64(n)) }
	str(e.ID)
	str(string(e.Kind))
	count(len(e.Names))
	for _, n := range e.Names {
		str(n.Text)
		str(string(n.Type))
		str(n.Lang)
		str(n.Source)
	}
	count(len(e.Countries))
	for _, c := range e.Countries {
		str(c)
	}
	count(len(e.Addresses))
	for _, a := range e.Addresses {
		str(a.Text)
		str(a.Country)
	}
	count(len(e.Identifiers))
	for _, id := range e.Identifiers {
		str(id.Scheme)
		str(id.Value)
	}
	count(len(e.Dates))
	for _, d := range e.Dates {
		str(d.Type)
		str(d.Value)
	}
	str(e.Remarks)
	return b
}

var errCorruptEntity = errors.New("corrupt entity blob")

// entityDecoder reads from one string holding the whole blob, so every
// decoded string is a substring of it: one allocation instead of one per
// string.
type entityDecoder struct {
	s   string
	err error
}

func (d *entityDecoder) uvarint() int {
	if d.err != nil {
		return 0
	}
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			// Overlong encodings (a final 0 byte) are corrupt, so each
			// entity has exactly one encoding.
			if v > uint64(len(d.s)) || (c == 0 && i > 0) {
				break
			}
			d.s = d.s[i+1:]
			return int(v)
		}
	}
	d.err = errCorruptEntity
	return 0
}

func (d *entityDecoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > len(d.s) {
		d.err = errCorruptEntity
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

// count reads a slice length; each element takes at least min bytes, which
// bounds the allocation a corrupt count can cause.
func (d *entityDecoder) count(min int) int {
	n := d.uvarint()
	if n*min > len(d.s) {
		d.err = errCorruptEntity
		return 0
	}
	return n
}

// Decode decodes b into e; e's strings share one copy of b.
func Decode(b []byte, e *ties.Entity) error {
	if len(b) == 0 {
		return errCorruptEntity
	}
	if b[0] != entityFormatV1 {
		return fmt.Errorf("entity blob format %d is unknown to this ties binary; upgrade ties", b[0])
	}
	d := entityDecoder{s: string(b[1:])}
	*e = ties.Entity{ID: d.str(), Kind: ties.EntityKind(d.str())}
	if n := d.count(4); n > 0 {
		e.Names = make([]ties.Name, n)
		for i := range e.Names {
			e.Names[i] = ties.Name{Text: d.str(), Type: ties.NameType(d.str()), Lang: d.str(), Source: d.str()}
		}
	}
	if n := d.count(1); n > 0 {
		e.Countries = make([]string, n)
		for i := range e.Countries {
			e.Countries[i] = d.str()
		}
	}
	if n := d.count(2); n > 0 {
		e.Addresses = make([]ties.Address, n)
		for i := range e.Addresses {
			e.Addresses[i] = ties.Address{Text: d.str(), Country: d.str()}
		}
	}
	if n := d.count(2); n > 0 {
		e.Identifiers = make([]ties.Identifier, n)
		for i := range e.Identifiers {
			e.Identifiers[i] = ties.Identifier{Scheme: d.str(), Value: d.str()}
		}
	}
	if n := d.count(2); n > 0 {
		e.Dates = make([]ties.EntityDate, n)
		for i := range e.Dates {
			e.Dates[i] = ties.EntityDate{Type: d.str(), Value: d.str()}
		}
	}
	e.Remarks = d.str()
	if d.err == nil && len(d.s) != 0 {
		d.err = errCorruptEntity
	}
	return d.err
}
