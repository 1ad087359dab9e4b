package discord

import (
	"errors"
	"fmt"
	"net/url"
)

// quiet strips the request URL from a transport error: an interaction
// webhook's URL carries its token, which must not reach the logs.
func quiet(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, "discord API", ue.Err)
	}
	return err
}
