/**
 * Lua scripts for what BullMQ OSS lacks: per-key order, per-key rate limits and an exact (sliding
 * window) queue-wide limit. Each runs atomically in Redis, and uses Redis' own clock (TIME) so that
 * workers on several machines agree on the windows.
 *
 * Keys (all under `<prefix>:<queue>:pakn:`, next to BullMQ's own keys):
 * - `order:<rateKey>`  sorted set of BullMQ job ids in enqueue order (score from `seq`); its first
 *                      member is the only job of that key allowed to run.
 * - `seq`              counter giving those scores.
 * - `keylog:<rateKey>` sorted set of start times of that key's recent runs (per-key sliding window).
 * - `qlog`             the same for the whole queue.
 * - `parked`           set of job ids that were put aside because they were not first of their key;
 *                      when the first finishes, the next one is promoted at once if it is parked.
 * - `done:<jobId>`     the job's effect happened (ProcessOptions.doneMarks), with a TTL.
 */

/**
 * KEYS: seq, parked, then for each job: its key's order, its job hash, its done mark.
 * ARGV: for each job: its id, may park (1|0).
 * Run before the jobs are added to BullMQ (one call for a whole batch), so that the producer learns
 * each job's place in its key: a job first of its key from the start needs no gate on its first run
 * (see BullmqJobQueue.run). Adds each job to its key's order unless it is done or finished; when it
 * is not first and may park, marks it parked (it is then added delayed, to be promoted on its turn).
 * Returns, per job, its rank in the order (0 = first), -1 when a job of that id finished, -2 when its
 * done mark exists (its effect happened: it is not to be added again).
 */
export const ENQUEUE_ORDER_LUA = `
local out = {}
for i = 1, #ARGV / 2 do
  local order, job, mark = KEYS[3 * i], KEYS[3 * i + 1], KEYS[3 * i + 2]
  local id = ARGV[2 * i - 1]
  if redis.call('EXISTS', mark) == 1 then
    out[i] = -2
  elseif redis.call('HEXISTS', job, 'finishedOn') == 1 then
    out[i] = -1
  else
    if not redis.call('ZSCORE', order, id) then
      redis.call('ZADD', order, redis.call('INCR', KEYS[1]), id)
    end
    local rank = redis.call('ZRANK', order, id)
    if rank > 0 and ARGV[2 * i] == '1' then
      redis.call('SADD', KEYS[2], id)
    end
    out[i] = rank
  end
end
return out
`;

/**
 * KEYS: order, seq, keylog, qlog, parked, done mark.
 * ARGV: job id, keyed (1|0), key max, key window ms, queue max, queue window ms, unique member,
 * check the done mark (1|0).
 * Returns {verdict, waitMs, head, wasParked}: 0 = go (the run is recorded in the windows), 1 = not first
 * of its key (head = the first; wasParked = 1 if it had been put aside before), 2 = key window full,
 * 3 = queue window full, 4 = already done (its mark exists: not to be run again, nothing recorded).
 */
export const GATE_LUA = `
if ARGV[8] == '1' and redis.call('EXISTS', KEYS[6]) == 1 then
  return {4, 0, '', 0}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local keyed = ARGV[2] == '1'
local keyMax = tonumber(ARGV[3])
local keyDur = tonumber(ARGV[4])
local qMax = tonumber(ARGV[5])
local qDur = tonumber(ARGV[6])
if keyed then
  if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
    redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), ARGV[1])
  end
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head ~= ARGV[1] then
    local added = redis.call('SADD', KEYS[5], ARGV[1])
    return {1, 0, head, 1 - added}
  end
  if keyMax > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - keyDur)
    if redis.call('ZCARD', KEYS[3]) >= keyMax then
      local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
      return {2, tonumber(oldest[2]) + keyDur - now, '', 0}
    end
  end
end
if qMax > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - qDur)
  if redis.call('ZCARD', KEYS[4]) >= qMax then
    local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
    return {3, tonumber(oldest[2]) + qDur - now, '', 0}
  end
  redis.call('ZADD', KEYS[4], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[4], qDur + 1000)
end
if keyed then
  redis.call('SREM', KEYS[5], ARGV[1])
  if keyMax > 0 then
    redis.call('ZADD', KEYS[3], now, ARGV[7])
    redis.call('PEXPIRE', KEYS[3], keyDur + 1000)
  end
end
return {0, 0, '', 0}
`;

/**
 * KEYS: order, parked, keylog, done mark. ARGV: job id, key max, key window ms, mark TTL ms (0: no
 * mark). Writes the job's done mark when asked (in the same step, so a job marked done has always
 * let its key go on) and removes the job from its key's order; if the next job is parked, returns {its
 * id, ms until the key's window has room} (the caller wakes it then, so it does not wake only to be
 * put aside again). The parked mark is left for the gate to clear: if the wake comes too early (the
 * next job is between its gate and its move aside), that job sees with STILL_PARKED_LUA that its turn
 * has come and promotes itself.
 */
export const RELEASE_LUA = `
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if head and redis.call('SISMEMBER', KEYS[2], head) == 1 then
  local wait = 0
  local keyMax = tonumber(ARGV[2])
  local keyDur = tonumber(ARGV[3])
  if keyMax > 0 then
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - keyDur)
    local n = redis.call('ZCARD', KEYS[3])
    if n >= keyMax then
      local e = redis.call('ZRANGE', KEYS[3], n - keyMax, n - keyMax, 'WITHSCORES')
      wait = tonumber(e[2]) + keyDur - now
    end
  end
  return {head, wait}
end
return false
`;

/** KEYS: order, parked. ARGV: job id. 1 when the parked job has become first of its key. */
export const STILL_PARKED_LUA = `
if redis.call('ZRANGE', KEYS[1], 0, 0)[1] == ARGV[1] and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return 1
end
return 0
`;

/** KEYS: order. ARGV: job id. Drops a first-of-key that no longer exists or already finished, if still first. */
export const REAP_LUA = `
if redis.call('ZRANGE', KEYS[1], 0, 0)[1] == ARGV[1] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
`;
