// Package openapi loads OpenAPI 3.0/3.1 (and, through kin-openapi's
// openapi2conv, Swagger 2.0) descriptions, indexes their operations by
// operationId and by JSON pointer, models security schemes, and serializes
// parameters according to the OpenAPI style/explode rules.
//
// It owns: loading (files, file: URLs, http(s) URLs with a timeout and a
// size cap), the operation index, the effective servers/parameters/security
// of an operation, the security-scheme model, and parameter serialization.
//
// It must not import arazzo, runtime or expr: the arazzo package reaches it
// only through the small arazzo.OperationSource interface (HasOperationID,
// OperationIDs, HasOperationPointer), which *Document satisfies.
//
// kin-openapi decodes and resolves documents, but its types stay out of the
// exported model where that is cheap: schemas are exposed as `any` holding
// *openapi3.SchemaRef, and the whole *openapi3.T through Document.OpenAPI3.
// The operation index (Document.Operations, OperationByID, OperationByPointer)
// is built from the decoded document into plain structs, so a later lazy
// loader can build the same index without a full kin-openapi load.
//
// # Choices where the OpenAPI specification is silent or lenient
//
//   - Validation never fails a load. kin-openapi's validation runs with every
//     problem collected; each becomes a Warning with a JSON pointer where
//     kin's error chain says where it is. Patterns Go's RE2 cannot compile
//     (ECMA-262 look-arounds, common in 3.1 documents such as Auth0's) are
//     warnings like the rest. Examples and schema defaults are not validated
//     (the bulk of validation time; irrelevant to running a workflow).
//     LoadOptions.SkipValidation skips validation altogether.
//   - A dangling local $ref ("#/components/schemas/X" where X does not
//     exist) is a warning: the reference is replaced by an empty object (an
//     empty schema accepts anything) marked "x-arazzo-unresolved-ref", and
//     the document is loaded again. A $ref to a missing file stays an error
//     naming the file.
//   - A document fetched over http(s) may not $ref local files (that would
//     let a remote document read /etc/passwd); it may $ref other URLs.
//   - A relative location is resolved against LoadOptions.Base, which is the
//     referring document (e.g. the Arazzo file), so against its directory.
//   - Without servers, the document has OpenAPI's default server "/". A
//     relative server URL of a document fetched over http(s) is resolved
//     against the document's URL; for local files it is kept relative (the
//     caller must supply a base). Other relative URLs (tokenUrl, Auth0's
//     "/oauth/token/") are kept as written; ResolveURL resolves them.
//   - Operations are ordered by path (byte order), then by the order of the
//     Path Item fields (get, put, post, delete, options, head, patch, trace,
//     query), then other methods by name. Webhooks are not indexed.
//   - A duplicate operationId keeps the first operation in that order (and
//     warns); every operation stays reachable by pointer. OperationByPointer
//     also accepts a leading '#', percent-encoding as in URI fragments, and
//     an upper-case method token.
//   - Effective parameters: path-item parameters overridden by operation
//     parameters with the same name and location (header names compare
//     case-insensitively); header parameters named Accept, Content-Type or
//     Authorization are dropped, as OpenAPI says they SHALL be ignored. Path
//     parameters are always Required.
//   - Operation.Security is the operation's requirement when it declares one
//     (an empty list means no authentication), else the document's.
//   - The OAuth flow's x- extensions stay on OAuthFlow.Extensions; Auth0
//     puts x-form-parameters (extra token-request form fields, its
//     "audience") on the clientCredentials flow: OAuthFlow.FormParameters.
//
// # Lazy loading and the cache
//
// LoadOptions.Operations (or Lazy) makes a load lazy; the runtime uses it
// with the operations a workflow calls. The document is outlined rather
// than decoded: block-style YAML by its line indentation (each path item,
// operation and component gets a byte range; only the ranges needed are
// decoded with yaml.v3), JSON with encoding/json. The operation index of
// the whole document comes from the outline; the operations asked for, and
// the components they reach through local $refs (transitively, discriminator
// mappings included), form a small sub-document from which the Operations
// are built directly (genbuild.go mirrors build.go). kin-openapi decodes
// that sub-document only when OpenAPI3 is first called, which also fills
// the Schema fields. Document.Raw gives the sub-document's generic form
// (the contract package converts its schemas from it, so a run without
// --mock never decodes with kin-openapi). Choices:
//
//   - Anything unusual (Swagger 2.0, a $ref to another file or into paths, a
//     path item $ref, YAML anchors shared between parts, flow-style
//     structure, duplicate keys) falls back to the full load, so results
//     never depend on the path taken. A dangling local $ref is repaired as
//     the full load does (an empty object marked x-arazzo-unresolved-ref),
//     with one warning per missing component.
//   - Operations returns the operations built so far; OperationByID and
//     OperationByPointer build any other one on first use.
//   - Validation warnings are not computed in lazy mode (only duplicate
//     operationIds and the dangling $refs of the operations asked for are
//     reported): they are about the whole document and cost most of a full
//     load. Load without Operations to get them.
//   - The cache stores, per document content, loader version and set of
//     operations asked for, one entry under os.UserCacheDir()/arazzo/openapi
//     ($ARAZZO_CACHE_DIR or LoadOptions.CacheDir override it; "off" or
//     NoCache disable it; inside a test binary there is no default
//     directory). Entries are written to a temporary file and renamed
//     (atomic for concurrent processes); an unreadable, corrupt or foreign
//     entry is ignored and rewritten; a failure to write is silent.
//   - The content key is the SHA-256 of the document as the loader sees it
//     (without a UTF-8 BOM): every byte goes through it, so any change of
//     the document invalidates its entries, and no document can be made to
//     share another's key. (A pair of CRC-32s, four times cheaper, was used
//     for a while: CRCs are linear, and a description forged to collide
//     with another filled the entry the other would read, servers
//     included; testdata/forgedkey is such a pair.) A local file is hashed
//     in 64 KiB reads (one buffer of the whole file would cost more in page
//     faults than the hash) and not kept in memory. The checksums inside an
//     entry (CRC-32) only detect damage.
//   - A stat memo (statmemo.go, Linux and macOS) spares a warm load the hash
//     of an unchanged local file (about 2 ms for the Auth0 description):
//     per path, the key computed last time and the file's device, inode,
//     size, mtime and ctime. All five unchanged, the key is taken from the
//     memo; a write(2), a truncation or a new file changes them, so the
//     entry used is still the one of the file's content. As in git's
//     index, a file changed less than 2 s before it was hashed is not
//     memoized (it could change again within one tick of the file system's
//     clock). Also as in git, writes through a shared memory mapping can
//     leave the stamp unchanged: --no-cache bypasses the memo.
//   - An entry (a .json file whose first line of JSON names the loader
//     version; the rest is binary, see entryfile.go) has a head, which
//     every warm load reads and decodes: the operations asked for, every
//     operationId, the warnings, the sub-document without its component
//     bodies (security schemes excepted). Its tail holds, as checksummed
//     pieces read on demand, what only some loads need: the outline of the
//     other operations (read by the first lookup of another operation or
//     pointer; operationIds, the hints for an unknown one included, are
//     answered from the list of ids) and each component body (read when
//     the builder, Raw or OpenAPI3 reaches it). Damage to the head is
//     noticed at once and the entry rebuilt; a damaged or missing piece is
//     made again from the document and the entry rewritten. A warm load of
//     the Auth0 seed reads 34 KB of its 130 KB entry.
//
// Parameter serialization choices are listed in serialize.go.
package openapi
