package personaldata

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Config is how a service that keeps personal data (honours, nominations)
// is configured: the key that seals citizen ids, and the secret of
// recipient keys. Both services must be given the same ones: nominations
// hands honours the citizen ids it sealed, and both find a recipient by
// the same key (docs/personal-data.md).
type Config struct {
	// PersonalDataKey encrypts citizen ids at rest: standard base64 of 32
	// random bytes, kept for as long as the data. Empty means full citizen
	// ids are not kept at all, only their masked form and the recipient
	// key derived from them.
	PersonalDataKey string
	// RecipientKeySecret keys recipient keys, blind indexes of the
	// personal data they are derived from (recipientkey.Keyring):
	// standard base64 of at least 32 random bytes, or after a rotation
	// several, oldest first and comma-separated. Required; kept for as
	// long as the data.
	RecipientKeySecret string
	// keyVar and secretVar are the environment variables of the flags, as
	// RegisterFlags registered them, for the messages that name them.
	keyVar, secretVar string
}

// RegisterFlags registers -personal-data-key and -recipient-key-secret on
// f.
func (c *Config) RegisterFlags(f config.Flags) {
	f.String(&c.PersonalDataKey, "personal-data-key", "",
		"base64 of 32 random bytes that encrypt citizen ids at rest; empty keeps only masked citizen ids")
	c.keyVar = f.Env("personal-data-key")
	f.String(&c.RecipientKeySecret, "recipient-key-secret", "",
		"base64 of 32 random bytes that key recipient keys (blind indexes); after a rotation OLD,NEW (docs/personal-data.md). Required")
	c.secretVar = f.Env("recipient-key-secret")
}

// Open returns the sealer of c's key (nil, with a warning in log, when
// there is none) and the keyring of its secret; service names the service
// in errors.
func (c *Config) Open(ctx context.Context, log *slog.Logger, service string) (*Sealer, *recipientkey.Keyring, error) {
	secretVar := cmp.Or(c.secretVar, "TDKT_RECIPIENT_KEY_SECRET")
	if c.RecipientKeySecret == "" {
		return nil, nil, errors.New(service + ": a recipient key secret is required (-recipient-key-secret / " + secretVar +
			": base64 of 32 random bytes, e.g. `head -c 32 /dev/urandom | base64`)")
	}
	keys, err := recipientkey.ParseKeyring(c.RecipientKeySecret)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s: %w", service, secretVar, err)
	}
	if c.PersonalDataKey == "" {
		log.WarnContext(ctx, "no personal data key: full citizen ids are not kept, only masked ones (set "+
			cmp.Or(c.keyVar, "TDKT_PERSONAL_DATA_KEY")+")")
		return nil, keys, nil
	}
	k, err := ParseKey(c.PersonalDataKey)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", service, err)
	}
	sealer, err := NewSealer(k)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", service, err)
	}
	return sealer, keys, nil
}
