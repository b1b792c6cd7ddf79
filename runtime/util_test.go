package runtime

import "errors"

func asStepError(err error, target **StepError) bool { return errors.As(err, target) }
