"""The byte-level BPE tokenizer every locally built model uses (pretrained and tiny alike).

Trained with ``tokenizers`` on text from the game itself, so nothing downloads; any text
encodes (the byte alphabet is always in the vocabulary), and one special token serves as
end of text, start of text and padding.
"""

from __future__ import annotations

SPECIAL_EOS = "<|endoftext|>"


def build_tokenizer(texts: list[str], vocab_size: int = 1024):
    """A byte-level BPE tokenizer (any text encodes; no unknown tokens).

    Args:
        texts: training text.
        vocab_size: vocabulary size, the byte alphabet and ``SPECIAL_EOS`` included.

    Returns:
        A ``PreTrainedTokenizerFast`` with ``SPECIAL_EOS`` as its eos, bos and pad token.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[SPECIAL_EOS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=SPECIAL_EOS,
                                   bos_token=SPECIAL_EOS, pad_token=SPECIAL_EOS)
