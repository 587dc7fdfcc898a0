"""Pathways: missing episodes and return interviews, the NRM and Duty to Notify, onward
referrals."""
