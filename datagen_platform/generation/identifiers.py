"""Digit-string identifiers built column-wise: zero-padded codes and CPFs with check digits."""

import numpy as np
import pyarrow as pa


def digit_strings(values: np.ndarray, width: int) -> pa.StringArray:
    """Zero-padded decimal strings of `width` digits for non-negative integers below 10**width."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return digits_to_strings(np.asarray(values, dtype=np.int64)[:, None] // powers % 10)


def digits_to_strings(digits: np.ndarray) -> pa.StringArray:
    """One string per row of a matrix of digits 0..9, written straight into Arrow buffers."""
    rows, width = digits.shape
    data = np.ascontiguousarray(digits, dtype=np.uint8) + np.uint8(ord("0"))
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))


def cpf_check_digits(first_nine: np.ndarray) -> np.ndarray:
    """The two check digits of each row of a (n, 9) digit matrix, by the Receita Federal rule:
    weights 10..2 (then 11..2 including the first check digit), remainder r of the sum by 11,
    digit 0 when r < 2 else 11 - r."""
    first = _mod11_digit(first_nine, np.arange(10, 1, -1))
    with_first = np.column_stack([first_nine, first])
    second = _mod11_digit(with_first, np.arange(11, 1, -1))
    return np.column_stack([first, second])


def make_cpfs(bodies: np.ndarray, regions: np.ndarray) -> pa.StringArray:
    """CPFs from 8-digit bodies and the fiscal region digit (the ninth digit) of each person."""
    first_nine = np.column_stack(
        [np.asarray(bodies)[:, None] // 10 ** np.arange(7, -1, -1) % 10, regions]
    )
    return digits_to_strings(np.column_stack([first_nine, cpf_check_digits(first_nine)]))


def _mod11_digit(digits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    remainder = (digits.astype(np.int64) @ weights) % 11
    return np.where(remainder < 2, 0, 11 - remainder)
