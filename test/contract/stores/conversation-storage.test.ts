import { conversationStorageContract } from './conversation-storage.contract';
import { storeFactories } from './factories';

storeFactories.forEach(conversationStorageContract);
