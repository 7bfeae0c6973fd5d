import { BlockList, isIP } from 'node:net';
import { evaluate as celEvaluate, Environment } from '@marcbachmann/cel-js';
import { FgaError } from './errors.ts';
import type { ConditionDefinition, ConditionParamTypeRef } from './model/types.ts';

/** The `ipaddress` parameter type of OpenFGA conditions, with its `in_cidr` method. */
export class IpAddress {
  readonly address: string;
  readonly family: 'ipv4' | 'ipv6';
  constructor(address: string) {
    const version = isIP(address);
    if (version === 0) throw new Error(`'${address}' is not an IP address`);
    this.address = address;
    this.family = version === 4 ? 'ipv4' : 'ipv6';
  }

  inCidr(cidr: string): boolean {
    const [network, prefix] = cidr.split('/');
    const version = isIP(network ?? '');
    const bits = Number(prefix);
    if (version === 0 || !Number.isInteger(bits)) throw new Error(`'${cidr}' is not a CIDR`);
    const list = new BlockList();
    list.addSubnet(network as string, bits, version === 4 ? 'ipv4' : 'ipv6');
    return list.check(this.address, this.family);
  }
}

const celTypeNames: Record<string, string> = {
  TYPE_NAME_ANY: 'dyn',
  TYPE_NAME_BOOL: 'bool',
  TYPE_NAME_STRING: 'string',
  TYPE_NAME_INT: 'int',
  TYPE_NAME_UINT: 'uint',
  TYPE_NAME_DOUBLE: 'double',
  TYPE_NAME_DURATION: 'google.protobuf.Duration',
  TYPE_NAME_TIMESTAMP: 'google.protobuf.Timestamp',
  TYPE_NAME_IPADDRESS: 'ipaddress',
};

function celType(ref: ConditionParamTypeRef): string {
  const generic = ref.generic_types?.[0];
  if (ref.type_name === 'TYPE_NAME_LIST') return `list<${generic ? celType(generic) : 'dyn'}>`;
  if (ref.type_name === 'TYPE_NAME_MAP') return `map<string, ${generic ? celType(generic) : 'dyn'}>`;
  const name = celTypeNames[ref.type_name];
  if (!name) throw new Error(`unsupported parameter type ${ref.type_name}`);
  return name;
}

function toInteger(value: unknown, unsigned: boolean): bigint {
  let n: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else throw new Error(`expected an ${unsigned ? 'unsigned ' : ''}integer`);
  if (unsigned && n < 0n) throw new Error('expected an unsigned integer');
  return n;
}

function toDouble(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new Error('expected a finite double');
  return n;
}

/** Converts a JSON context value to the CEL value of a declared parameter type. */
function convert(ref: ConditionParamTypeRef, value: unknown): unknown {
  switch (ref.type_name) {
    case 'TYPE_NAME_ANY':
      return value;
    case 'TYPE_NAME_BOOL':
      if (typeof value !== 'boolean') throw new Error('expected a bool');
      return value;
    case 'TYPE_NAME_STRING':
      if (typeof value !== 'string') throw new Error('expected a string');
      return value;
    case 'TYPE_NAME_INT':
      return toInteger(value, false);
    case 'TYPE_NAME_UINT':
      return toInteger(value, true);
    case 'TYPE_NAME_DOUBLE':
      return toDouble(value);
    case 'TYPE_NAME_DURATION':
      if (typeof value !== 'string') throw new Error('expected a duration string');
      return celEvaluate('duration(v)', { v: value });
    case 'TYPE_NAME_TIMESTAMP':
      if (typeof value !== 'string') throw new Error('expected an RFC 3339 timestamp string');
      return celEvaluate('timestamp(v)', { v: value });
    case 'TYPE_NAME_IPADDRESS':
      if (typeof value !== 'string') throw new Error('expected an IP address string');
      return new IpAddress(value);
    case 'TYPE_NAME_LIST': {
      if (!Array.isArray(value)) throw new Error('expected a list');
      const item = ref.generic_types?.[0] ?? { type_name: 'TYPE_NAME_ANY' };
      return value.map((v) => convert(item, v));
    }
    case 'TYPE_NAME_MAP': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a map');
      const item = ref.generic_types?.[0] ?? { type_name: 'TYPE_NAME_ANY' };
      return new Map(Object.entries(value).map(([k, v]) => [k, convert(item, v)]));
    }
    default:
      throw new Error(`unsupported parameter type ${ref.type_name}`);
  }
}

/** A model condition compiled once: call `evaluate` with the merged context of a tuple and a request. */
export interface CompiledCondition {
  readonly name: string;
  evaluate(tupleContext: Record<string, unknown> | undefined, requestContext: Record<string, unknown> | undefined): boolean;
}

/** Compiles a condition; throws when its expression does not parse or type-check to a bool. */
export function compileCondition(definition: ConditionDefinition): CompiledCondition {
  const parameters = definition.parameters ?? {};
  const env = new Environment().registerType('ipaddress', IpAddress).registerFunction({
    name: 'in_cidr',
    receiverType: 'ipaddress',
    returnType: 'bool',
    params: [{ name: 'cidr', type: 'string' }],
    handler: (ip: IpAddress, cidr: string) => ip.inCidr(cidr),
  });
  for (const [name, ref] of Object.entries(parameters)) env.registerVariable(name, celType(ref));
  const program = env.parse(definition.expression);
  const checked = program.check();
  if (!checked.valid) throw new Error(checked.error?.message.split('\n')[0] ?? 'invalid expression');
  if (checked.type !== 'bool' && checked.type !== 'dyn') throw new Error(`expected a bool expression, got ${checked.type}`);
  const names = Object.keys(parameters);
  return {
    name: definition.name,
    evaluate(tupleContext, requestContext) {
      const values: Record<string, unknown> = {};
      const missing: string[] = [];
      for (const name of names) {
        // OpenFGA: the tuple's persisted context wins over the request's.
        const raw = tupleContext && name in tupleContext ? tupleContext[name] : requestContext?.[name];
        if (raw === undefined) {
          missing.push(name);
          continue;
        }
        try {
          values[name] = convert(parameters[name] as ConditionParamTypeRef, raw);
        } catch (error) {
          throw new FgaError(
            'validation_error',
            `failed to evaluate relationship condition '${definition.name}': parameter type error on '${name}': ${(error as Error).message}`,
          );
        }
      }
      if (missing.length > 0)
        throw new FgaError(
          'validation_error',
          `failed to evaluate relationship condition '${definition.name}': context is missing parameters [${missing.join(' ')}]`,
        );
      let result: unknown;
      try {
        result = program(values);
      } catch (error) {
        throw new FgaError(
          'validation_error',
          `failed to evaluate relationship condition '${definition.name}': ${(error as Error).message.split('\n')[0]}`,
        );
      }
      return result === true;
    },
  };
}
