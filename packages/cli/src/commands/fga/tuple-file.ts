import { createReadStream, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { TupleKey } from '@portcullis/authz';
import { parse } from 'yaml';

/** CSV columns, as the OpenFGA CLI names them; the optional ones may be left out of the header. */
const csvColumns = ['user_type', 'user_id', 'user_relation', 'relation', 'object_type', 'object_id', 'condition_name', 'condition_context'];
const requiredColumns = ['user_type', 'user_id', 'relation', 'object_type', 'object_id'];

/**
 * Reads relationship tuples from a file, in file order: CSV (the OpenFGA CLI's columns, read as a
 * stream), or YAML / JSON (a list of `{ user, relation, object, condition? }`).
 */
export async function* readTupleFile(path: string): AsyncGenerator<TupleKey> {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') {
    yield* readCsv(path);
    return;
  }
  if (extension !== '.yaml' && extension !== '.yml' && extension !== '.json')
    throw new Error(`unsupported tuple file format "${extension}" (use .csv, .yaml or .json)`);
  const list = parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${path}: expected a list of tuples`);
  for (const [index, item] of list.entries()) {
    const t = item as Partial<TupleKey> | null;
    if (!t || typeof t.user !== 'string' || typeof t.relation !== 'string' || typeof t.object !== 'string')
      throw new Error(`${path}: item ${index + 1} needs user, relation and object`);
    const tuple: TupleKey = { user: t.user, relation: t.relation, object: t.object };
    if (t.condition?.name) tuple.condition = t.condition;
    yield tuple;
  }
}

async function* readCsv(path: string): AsyncGenerator<TupleKey> {
  let header: string[] | undefined;
  for await (const { fields, line } of csvRecords(path)) {
    if (fields.length === 1 && fields[0] === '') continue;
    if (!header) {
      header = fields.map((f) => f.trim());
      const unknown = header.find((h) => !csvColumns.includes(h));
      if (unknown !== undefined) throw new Error(`${path}: invalid header "${unknown}", valid headers are ${csvColumns.join(',')}`);
      const missing = requiredColumns.filter((c) => !header?.includes(c));
      if (missing.length) throw new Error(`${path}: csv header missing ${missing.map((m) => `"${m}"`).join(', ')}`);
      continue;
    }
    const row: Record<string, string> = {};
    for (const [i, name] of header.entries()) row[name] = fields[i]?.trim() ?? '';
    const tuple: TupleKey = {
      user: `${row.user_type}:${row.user_id}${row.user_relation ? `#${row.user_relation}` : ''}`,
      relation: row.relation as string,
      object: `${row.object_type}:${row.object_id}`,
    };
    if (row.condition_name) {
      tuple.condition = { name: row.condition_name };
      if (row.condition_context) {
        try {
          tuple.condition.context = JSON.parse(row.condition_context);
        } catch {
          throw new Error(`${path}:${line}: condition_context is not JSON`);
        }
      }
    }
    yield tuple;
  }
}

/** RFC 4180 records (quoted fields may hold commas, doubled quotes and newlines), read in chunks. */
async function* csvRecords(path: string): AsyncGenerator<{ fields: string[]; line: number }> {
  let fields: string[] = [];
  let field = '';
  // `field`: unquoted text; `quoted`: inside quotes; `quote`: a quote seen inside quotes (closing, or the first of a pair).
  let state: 'field' | 'quoted' | 'quote' = 'field';
  let line = 1;
  let recordLine = 1;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    for (const c of chunk as string) {
      if (state === 'quote') {
        if (c === '"') {
          field += '"';
          state = 'quoted';
          continue;
        }
        state = 'field';
      }
      if (state === 'quoted') {
        if (c === '"') state = 'quote';
        else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && field === '') state = 'quoted';
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n') {
        fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        yield { fields, line: recordLine };
        fields = [];
        field = '';
        line++;
        recordLine = line;
      } else field += c;
    }
  }
  if (state === 'quoted') throw new Error(`${path}:${recordLine}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield { fields, line: recordLine };
  }
}
