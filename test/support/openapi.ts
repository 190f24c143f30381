import Ajv2020 from 'ajv/dist/2020';

type Json = Record<string, any>;

const COMPONENTS = '#/components/schemas/';
const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll(COMPONENTS, 'components#/$defs/'));

/**
 * Validates bodies against an OpenAPI 3.1 document with ajv (JSON Schema 2020-12, the document's dialect);
 * formats are the document's annotations, not checked.
 */
export function openApiValidator(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'components', $defs: local(doc.components.schemas) });
  const check = (schema: unknown, value: unknown, what: string) => {
    const validate = ajv.compile(local(schema));
    if (!validate(value)) throw new Error(`${what} does not match the OpenAPI description: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 2000)}`);
  };
  return {
    ajv,
    /** The answer of `method path` (path as in the document, e.g. /v1/functions/{functionId}) with this status and body. */
    response(method: string, path: string, status: number, body: unknown, contentType = 'application/json') {
      const operation = doc.paths[path]?.[method.toLowerCase()];
      if (!operation) throw new Error(`${method} ${path} is not in the OpenAPI description`);
      const response = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
      const schema = response?.content?.[contentType]?.schema;
      if (!schema) throw new Error(`${method} ${path} answers no ${contentType} with ${status} in the OpenAPI description`);
      check(schema, body, `${method} ${path} ${status}`);
    },
    /** A webhook body against the document's `webhooks` entry for its type. */
    webhook(body: Json) {
      const entry = doc.webhooks[body.type];
      if (!entry) throw new Error(`event type ${body.type} is not in the OpenAPI webhooks`);
      check(entry.post.requestBody.content['application/json'].schema, body, `webhook ${body.type}`);
    },
  };
}
