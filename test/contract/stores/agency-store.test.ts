import { agencyStoreContract } from './directory-stores.contract';
import { storeFactories } from './factories';

storeFactories.forEach(agencyStoreContract);
