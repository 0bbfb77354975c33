package server

import (
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

// badField is InvalidArgument naming one field.
func badField(field, description string) error {
	return domain.FieldErrors{{Field: field, Description: description}}
}
