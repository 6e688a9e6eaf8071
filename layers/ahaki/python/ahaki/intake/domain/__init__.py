"""intake/domain"""
