import type { Model } from 'mongoose';

import type { Agency, AgencyKind } from '../../domain/agency';
import { AlreadyExistsError } from '../../domain/errors';
import type { AgencyStore } from '../../domain/ports/agency-store';
import type { AgencyDocument } from './documents';
import { isDuplicateKeyError } from './mongo-errors';

const PROJECTION = { _id: 0 } as const;

export function agencyToDocument(a: Agency): AgencyDocument {
  return {
    code: a.code,
    name: a.name,
    kind: a.kind,
    parent: a.parent,
    reviewBeforePublish: a.reviewBeforePublish,
    active: a.active,
  };
}

export function agencyFromDocument(d: AgencyDocument): Agency {
  return {
    code: d.code,
    name: d.name,
    kind: d.kind as AgencyKind,
    parent: d.parent ?? null,
    reviewBeforePublish: d.reviewBeforePublish,
    active: d.active,
  };
}

export class MongoAgencyStore implements AgencyStore {
  constructor(private readonly model: Model<AgencyDocument>) {}

  async create(agency: Agency): Promise<Agency> {
    try {
      await this.model.create(agencyToDocument(agency));
    } catch (err) {
      if (isDuplicateKeyError(err, 'code')) throw new AlreadyExistsError('agency', agency.code);
      throw err;
    }
    return { ...agency };
  }

  async upsert(agency: Agency): Promise<Agency> {
    const doc = agencyToDocument(agency);
    await this.model.updateOne({ code: doc.code }, { $set: doc }, { upsert: true, runValidators: true });
    return { ...agency };
  }

  async get(code: string): Promise<Agency | null> {
    if (typeof code !== 'string') return null;
    const doc = await this.model.findOne({ code }, PROJECTION).lean<AgencyDocument>();
    return doc ? agencyFromDocument(doc) : null;
  }

  async list(): Promise<Agency[]> {
    const docs = await this.model.find({}, PROJECTION).sort({ code: 1 }).lean<AgencyDocument[]>();
    return docs.map(agencyFromDocument);
  }
}
