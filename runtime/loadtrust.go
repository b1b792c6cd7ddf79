package runtime

import "errors"

// errRemoteToLocal refuses a local file named by a document that was
// itself fetched over http(s): a remote document must not make the runner
// read (and then send, or print parts of) files of the machine it runs on,
// such as sourceDescriptions url: file:///etc/passwd. Relative urls of a
// remote document resolve against its URL and stay remote.
var errRemoteToLocal = errors.New("a document loaded over http(s) cannot refer to a local file")

// checkTrust refuses target when the referring document (base) is remote
// and target is not.
func checkTrust(base, target string) error {
	if isHTTP(base) && !isHTTP(target) {
		return errRemoteToLocal
	}
	return nil
}
