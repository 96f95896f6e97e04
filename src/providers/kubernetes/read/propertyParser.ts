/**
 * Properties a Run Job container prints to its log, as Clouddriver's `PropertyParser` reads them
 * (Orca's `propertyFile`):
 *
 * - every non-blank line is trimmed;
 * - a line containing `SPINNAKER_PROPERTY_` is split on `=` (blank parts dropped); with exactly
 *   two parts, the first without its first `SPINNAKER_PROPERTY_`, lower-cased, is the key and the
 *   second the value (`SPINNAKER_PROPERTY_FOO=bar` gives `foo: "bar"`); other lines are skipped;
 * - a line starting `SPINNAKER_CONFIG_JSON=` holds a JSON object whose keys are merged in (text
 *   after the object is ignored, as Jackson does).
 *
 * Later lines win. Throws `PropertyParseError` when a JSON line does not hold an object; callers
 * then answer `{}` as Clouddriver's `KubernetesJobProvider` does.
 */

const PROPERTY_MARKER = 'SPINNAKER_PROPERTY_';
const JSON_MARKER = 'SPINNAKER_CONFIG_JSON=';
const JSON_LINE = /^\s*SPINNAKER_CONFIG_JSON=/;

export class PropertyParseError extends Error {
  override name = 'PropertyParseError';
}

export function extractPropertiesFromLog(log: string): Record<string, unknown> {
  // A Map, then fromEntries: keys such as "__proto__" stay plain data.
  const properties = new Map<string, unknown>();
  for (const raw of log.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.includes(PROPERTY_MARKER)) {
      const parts = line
        .split('=')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      const [name, value] = parts;
      if (parts.length === 2 && name !== undefined && value !== undefined) properties.set(name.replace(PROPERTY_MARKER, '').toLowerCase(), value);
    }
    if (JSON_LINE.test(line)) {
      for (const [k, v] of Object.entries(leadingJsonObject(line.replace(JSON_MARKER, '')))) properties.set(k, v);
    }
  }
  return Object.fromEntries(properties);
}

/** The JSON object at the start of `text` (after blanks); what follows it is ignored. */
function leadingJsonObject(text: string): Record<string, unknown> {
  const start = text.search(/\S/);
  if (start < 0 || text[start] !== '{') throw new PropertyParseError(`${JSON_MARKER} must be followed by a JSON object`);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          return JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>;
        } catch {
          // JSON.parse quotes the text in its message; the log's content stays out of errors and logs.
          throw new PropertyParseError(`${JSON_MARKER} holds invalid JSON`);
        }
      }
    }
  }
  throw new PropertyParseError(`${JSON_MARKER} holds an unterminated JSON object`);
}
