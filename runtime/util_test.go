package runtime

import (
	"errors"

	"github.com/arazzo-run/arazzo/openapi"
)

func asStepError(err error, target **StepError) bool { return errors.As(err, target) }

type openapiOperation = openapi.Operation

func asInputError(err error, target **InputError) bool { return errors.As(err, target) }
