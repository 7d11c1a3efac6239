import { accountStoreContract } from './directory-stores.contract';
import { storeFactories } from './factories';

storeFactories.forEach(accountStoreContract);
