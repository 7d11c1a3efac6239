/**
 * Operator CLI: `npm run cli -- <command> [options]`. Works on whichever store the environment selects
 * (SQLite in DATA_DIR by default, MongoDB with MONGODB_URI). Passwords are read from an environment variable
 * or standard input, never from the command line (it would end up in shell history and `ps`).
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { loadConfig, ConfigError } from '../src/config';
import { createStores } from '../src/persistence';
import { createLogger } from '../src/shared/logger';
import { systemClock } from '../src/domain/ports';
import { AppError } from '../src/domain/errors';
import { isRole, ROLES } from '../src/domain/account';
import { tFor } from '../src/i18n';
import {
  addAccount,
  addAgency,
  resetPassword,
  seedDemo,
  toPublicAccount,
} from '../src/application/operator/directory';
import type { AgencyKind } from '../src/domain/agency';

const USAGE = `Usage: npm run cli -- <command> [options]

  agency:add <code> --name "<name>" [--kind ministry|province|unit] [--parent <code>] [--review]
  agency:list
  account:add <username> --agency <code> --role ${ROLES.join('|')} [--name "<display name>"]
        password from $PASSWORD or the first line of standard input
  account:list [--agency <code>]
  account:password <username>      new password from $PASSWORD or standard input
  seed-demo                         agencies vpcp, btc, btc.tchq, hno, hno.sxd and their accounts;
                                    requires DEMO_PASSWORD (at least 10 characters)`;

async function readSecret(envName: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      kind: { type: 'string' },
      parent: { type: 'string' },
      review: { type: 'boolean' },
      agency: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!command || values.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === 'seed-demo' && !process.env.DEMO_PASSWORD) {
    process.stderr.write(
      'seed-demo refuses to run without DEMO_PASSWORD (the password every demo account gets).\n',
    );
    return 2;
  }

  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const stores = await createStores(config, logger);
  const deps = { agencies: stores.agencies, accounts: stores.accounts, clock: systemClock };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    switch (command) {
      case 'agency:add': {
        const code = positionals[0];
        if (!code || !values.name) throw new UsageError('agency:add needs <code> and --name');
        const a = await addAgency(deps, {
          code,
          name: values.name,
          kind: values.kind as AgencyKind | undefined,
          parent: values.parent,
          reviewBeforePublish: values.review ?? false,
        });
        out(`added agency ${a.code} (${a.kind}, parent ${a.parent ?? '-'})`);
        break;
      }
      case 'agency:list':
        for (const a of await stores.agencies.list()) {
          out(
            `${a.code.padEnd(16)} ${a.kind.padEnd(9)} ${(a.parent ?? '-').padEnd(10)} ${a.reviewBeforePublish ? 'review ' : '       '}${a.name}`,
          );
        }
        break;
      case 'account:add': {
        const username = positionals[0];
        if (!username || !values.agency || !isRole(values.role)) {
          throw new UsageError(`account:add needs <username>, --agency and --role ${ROLES.join('|')}`);
        }
        const password = await readSecret('PASSWORD');
        const a = await addAccount(deps, {
          username,
          agency: values.agency,
          role: values.role,
          displayName: values.name,
          password,
        });
        out(`added account ${a.username} (${a.role} at ${a.agency})`);
        break;
      }
      case 'account:list':
        for (const a of (
          await stores.accounts.list(values.agency ? { agency: values.agency } : undefined)
        ).map(toPublicAccount)) {
          out(
            `${a.username.padEnd(16)} ${a.role.padEnd(10)} ${a.agency.padEnd(10)} ${a.active ? 'active' : 'disabled'}  ${a.displayName}`,
          );
        }
        break;
      case 'account:password': {
        const username = positionals[0];
        if (!username) throw new UsageError('account:password needs <username>');
        await resetPassword(deps, username, await readSecret('PASSWORD'));
        out(`password changed for ${username}`);
        break;
      }
      case 'seed-demo': {
        const created = await seedDemo(deps, process.env.DEMO_PASSWORD!);
        out(`agencies created: ${created.agencies.join(', ') || '(all existed)'}`);
        out(`accounts created: ${created.accounts.join(', ') || '(all existed)'}`);
        break;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof AppError) {
      process.stderr.write(`${tFor(config.defaultLocale)(err.key, err.params)}\n`);
      return 1;
    }
    throw err;
  } finally {
    await stores.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
