// Package openapi loads OpenAPI 3.0/3.1 (and, through conversion, Swagger
// 2.0) descriptions, indexes their operations by operationId and by JSON
// pointer, models security schemes, and serializes parameters according to
// the OpenAPI style/explode rules.
//
// It owns: loading (files, file: URLs, http(s) URLs with a timeout and a size
// cap), the operation index, the effective servers/parameters/security of an
// operation, the security-scheme model, and parameter serialization.
//
// It must not import arazzo, runtime or arazzo/runtime/expr: the Arazzo
// package reaches it only through the small arazzo.OperationSource interface
// (HasOperationID, OperationIDs, HasOperationPointer), which *Document
// satisfies.
//
// kin-openapi is used to decode and resolve documents, but its types are kept
// out of the exported model where that is cheap (schemas are exposed as
// `any` holding *openapi3.SchemaRef, and the whole *openapi3.T through
// Document.OpenAPI3), so that a later lazy loader can build the same index
// without a full kin-openapi load.
package openapi
