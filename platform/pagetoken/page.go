package pagetoken

import (
	"context"

	"google.golang.org/protobuf/proto"
)

// Request is a list request: its page_size and page_token, and the other
// fields that scope its tokens (ScopeOf).
type Request interface {
	proto.Message
	GetPageSize() int32
	GetPageToken() string
}

// Page is the page a list request asks for: how many items (Size) after
// which cursor (After, nil for the first page).
type Page[C any] struct {
	Size   int
	After  *C
	tokens *Signer
	scope  string
}

// PageOf reads the page req asks for: its Size and the cursor of its token
// (DecodeCursor), the token scoped by req itself (ScopeOf).
func PageOf[C any](tokens *Signer, req Request) (*Page[C], error) {
	size, err := Size(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	scope := ScopeOf(req)
	after, err := DecodeCursor[C](tokens, req.GetPageToken(), scope)
	if err != nil {
		return nil, err
	}
	return &Page[C]{Size: size, After: after, tokens: tokens, scope: scope}, nil
}

// NextToken returns the token of the page after next, "" when next is nil
// (the last page).
func (p *Page[C]) NextToken(next *C) (string, error) {
	return EncodeCursor(p.tokens, next, p.scope)
}

// Listed is a page of a list response: its items, the size of the whole
// list and the next page's token.
type Listed[P any] struct {
	Items         []P
	TotalSize     int32
	NextPageToken string
}

// List reads page p with list, a store's list query (context, filter,
// cursor and page size in; the page's items, the cursor of its last one
// when more follow, and the size of the whole list out), and converts its
// items with out.
func List[F, C, T, P any](ctx context.Context, p *Page[C], list func(context.Context, F, *C, int) ([]T, *C, int, error), filter F, out func(T) P) (*Listed[P], error) {
	items, next, total, err := list(ctx, filter, p.After, p.Size)
	if err != nil {
		return nil, err
	}
	l := &Listed[P]{TotalSize: int32(total)}
	for _, it := range items {
		l.Items = append(l.Items, out(it))
	}
	if l.NextPageToken, err = p.NextToken(next); err != nil {
		return nil, err
	}
	return l, nil
}
