import { complaintStoreContract } from './complaint-store.contract';
import { storeFactories } from './factories';

storeFactories.forEach(complaintStoreContract);
