/** Forwards to the search attributes' new home for the workflows being changed elsewhere; goes once they import shared/. */
export { ActionStatusKey } from '../shared/search-attributes';
