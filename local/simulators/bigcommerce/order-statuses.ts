/**
 * BigCommerce's fixed order status ids (13 is Disputed, 14 is Partially Refunded — a common mix-up).
 * Descriptions are paraphrased; the simulator serves the system labels as the custom labels (no renames).
 */

export interface OrderStatus {
  id: number;
  name: string;
  description: string;
}

export const ORDER_STATUSES: readonly OrderStatus[] = [
  { id: 0, name: 'Incomplete', description: 'The shopper reached the payment page but did not complete the transaction.' },
  { id: 1, name: 'Pending', description: 'The shopper started checkout but has not completed it.' },
  { id: 2, name: 'Shipped', description: 'The order has been shipped.' },
  { id: 3, name: 'Partially Shipped', description: 'Only some of the items in the order have been shipped.' },
  { id: 4, name: 'Refunded', description: 'The seller has refunded the order.' },
  { id: 5, name: 'Cancelled', description: 'The seller has cancelled the order.' },
  { id: 6, name: 'Declined', description: 'The seller has marked the order as declined.' },
  { id: 7, name: 'Awaiting Payment', description: 'Checkout is complete but the payment has not been confirmed yet.' },
  { id: 8, name: 'Awaiting Pickup', description: 'The order is packed and waiting for the customer to pick it up.' },
  { id: 9, name: 'Awaiting Shipment', description: 'The order is packed and waiting to be shipped.' },
  { id: 10, name: 'Completed', description: 'The order has been shipped or picked up and is complete.' },
  { id: 11, name: 'Awaiting Fulfillment', description: 'Checkout is complete and the payment has been confirmed.' },
  { id: 12, name: 'Manual Verification Required', description: 'The order is on hold until something is confirmed by hand.' },
  { id: 13, name: 'Disputed', description: 'The customer has opened a payment dispute.' },
  { id: 14, name: 'Partially Refunded', description: 'The seller has refunded part of the order.' },
];

export function statusById(id: number): OrderStatus | undefined {
  return ORDER_STATUSES.find((status) => status.id === id);
}

/**
 * The payment_status a status implies for a card payment. The real field follows payment actions, not the
 * status; this keeps the two plausible together without modelling transactions.
 */
export function paymentStatusFor(statusId: number): string {
  switch (statusId) {
    case 0:
      return '';
    case 1:
    case 7:
      return 'pending';
    case 4:
      return 'refunded';
    case 5:
      return 'void';
    case 6:
      return 'declined';
    case 14:
      return 'partially refunded';
    default:
      return 'captured';
  }
}
