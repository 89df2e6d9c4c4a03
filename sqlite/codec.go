package sqlite

import (
	"ties"
	"ties/internal/entitycodec"
)

// Entities are stored as the compact binary blob of package entitycodec,
// shared with the postgres store so both keep the same bytes.

func encodeEntity(buf []byte, e *ties.Entity) []byte { return entitycodec.Encode(buf, e) }

func decodeEntity(b []byte, e *ties.Entity) error { return entitycodec.Decode(b, e) }
