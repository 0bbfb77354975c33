package server_test

import (
	"bytes"

	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// testKeys make the recipient keys of the tests' services.
var testKeys = func() *recipientkey.Keyring {
	k, err := recipientkey.NewKeyring(bytes.Repeat([]byte("test recipient key secret "), 2))
	if err != nil {
		panic(err)
	}
	return k
}()
