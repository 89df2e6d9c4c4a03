// Package examples embeds the hand-written reference cases, so that the
// demo runs on a fresh machine without any downloaded data.
package examples

import _ "embed"

// MicrosoftCAS is the Microsoft / Chinese Academy of Sciences reference
// case (../shared/cases/microsoft-cas/FACTS.md) in the native format, with
// the list rows it needs.
//
//go:embed microsoft-cas.ties
var MicrosoftCAS []byte

// MicrosoftCASName is the file name the case is loaded under.
const MicrosoftCASName = "microsoft-cas.ties"
