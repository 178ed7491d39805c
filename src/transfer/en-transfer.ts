/** English text of call transfers, shipped with the transfer chunk. */
export const enTransfer = {
  'transfer.following': 'Transferring…',
  'transfer.failed': 'The transfer did not go through.',
};
