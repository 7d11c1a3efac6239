import { mongo } from 'mongoose';

import { connectMongoStores, mongoConnectOptions } from '../../../../src/persistence/mongo';

describe('mongo connection options', () => {
  it('should make every write wait for the configured, journaled acknowledgement', () => {
    for (const w of ['majority', 1, 2] as const) {
      const opts = mongoConnectOptions({ uri: 'mongodb://127.0.0.1:1', writeConcern: w, dbName: 'x' });
      // Mongoose keeps its own options and hands the rest to the driver, which parses them without
      // connecting; the client's write concern is what every operation inherits.
      const { bufferCommands: _b, autoIndex: _i, autoCreate: _c, ...driverOptions } = opts;
      const client = new mongo.MongoClient('mongodb://127.0.0.1:1', driverOptions);
      expect(client.writeConcern?.w).toBe(w);
      expect(client.writeConcern?.journal).toBe(true);
      expect(opts).toMatchObject({ dbName: 'x', bufferCommands: false, autoIndex: false, autoCreate: false });
    }
  });

  it('should leave the database name to the URI when none is given', () => {
    expect('dbName' in mongoConnectOptions({ uri: 'mongodb://h/db', writeConcern: 'majority' })).toBe(false);
  });

  it('should reject, and release the connection, when no server answers', async () => {
    const started = Date.now();
    await expect(
      connectMongoStores({
        uri: 'mongodb://127.0.0.1:9/pakn',
        writeConcern: 'majority',
        serverSelectionTimeoutMS: 300,
      }),
    ).rejects.toThrow(/ECONNREFUSED|Server selection|connect/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
