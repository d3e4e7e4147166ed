export { relocatePdb } from './relocate-pdb';
