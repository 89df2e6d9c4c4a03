package entitycodec

import (
	"fmt"
	"reflect"
	"testing"

	"ties"
)

// fillAll sets every field of v, recursively, to a value derived from seed.
func fillAll(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d-ü", *seed))
	case reflect.Struct:
		for i := range v.NumField() {
			fillAll(v.Field(i), seed)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillAll(s.Index(i), seed)
		}
		v.Set(s)
	default:
		panic("fillAll: unhandled kind " + v.Kind().String() + "; teach the entity codec the new field")
	}
}

// TestEntityCodecCoversAllFields fails when ties.Entity gains a field the
// codec does not store.
func TestEntityCodecCoversAllFields(t *testing.T) {
	var e ties.Entity
	seed := 0
	fillAll(reflect.ValueOf(&e).Elem(), &seed)
	var got ties.Entity
	if err := Decode(Encode(nil, &e), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, e) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, e)
	}
}

func TestDecodeEntityRejectsCorruptBlobs(t *testing.T) {
	e := ties.Entity{ID: "csl:1", Kind: ties.KindPerson, Names: []ties.Name{{Text: "A", Type: ties.NamePrimary}}}
	good := Encode(nil, &e)
	for i := range len(good) {
		var got ties.Entity
		if err := Decode(good[:i], &got); err == nil {
			t.Errorf("truncated to %d bytes: no error", i)
		}
	}
	var got ties.Entity
	if err := Decode(append(append([]byte{}, good...), 0), &got); err == nil {
		t.Error("trailing byte: no error")
	}
	if err := Decode([]byte(`{"id":"x"}`), &got); err == nil {
		t.Error("JSON blob: no error")
	}
}

func FuzzDecodeEntity(f *testing.F) {
	f.Add(Encode(nil, &ties.Entity{ID: "x", Names: []ties.Name{{Text: "中国科学院", Type: ties.NameNative}}}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{1, 0, 0, 0x80, 0x80, 0x04})
	f.Add([]byte{1, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var e ties.Entity
		if err := Decode(b, &e); err != nil {
			return
		}
		// Whatever decodes must encode back to the same bytes.
		if again := Encode(nil, &e); string(again) != string(b) {
			t.Errorf("decode/encode changed %x to %x", b, again)
		}
	})
}
