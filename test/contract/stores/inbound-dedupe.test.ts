import { inboundDedupeContract } from './inbound-dedupe.contract';
import { storeFactories } from './factories';

storeFactories.forEach(inboundDedupeContract);
