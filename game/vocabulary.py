"""Word lists for generated worlds with a wide English vocabulary (``vocabulary="wide"``).

The plain generator names things from a few dozen words, so a policy trained on its
worlds can win by recognising them. These lists are far larger and mix periods
(castle, farmhouse, laboratory, office), rare words and multi-word names, so a policy
trained on them must read a name to know what it is. Nothing here is used by the
plain generator: its worlds stay exactly as they were.

Entries are written compactly and parsed once on import:

- A thing is ``phrase[=synonym,synonym][:materials]``. The phrase's last word is its
  head noun and always one of its synonyms; ``materials`` are letters of
  ``MATERIALS`` (which material adjectives suit it), ``-`` for none.
- Word lists are whitespace-separated; room names are separated by ``;``.

No word in a name of a thing or door is one the parser reads as grammar
(``tests/test_vocabulary.py`` checks this against the parser's own word sets).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Noun:
    """A kind of thing: its name phrase, synonyms and the materials that suit it.

    Attributes:
        phrase: the words that name it, head noun last ('pocket watch').
        synonyms: single words that also name it, the head noun first.
        materials: letters of MATERIALS ('' for none).
    """

    phrase: str
    synonyms: tuple[str, ...]
    materials: str

    @property
    def head(self) -> str:
        return self.phrase.split()[-1]


def _nouns(text: str) -> tuple[Noun, ...]:
    """Parse ``phrase[=syn,syn][:materials]`` entries separated by ';' or new lines."""
    out = []
    for raw in text.replace("\n", ";").split(";"):
        entry = raw.strip()
        if not entry:
            continue
        entry, _, materials = entry.partition(":")
        phrase, _, extra = entry.partition("=")
        phrase = " ".join(phrase.split())
        head = phrase.split()[-1]
        synonyms = tuple(dict.fromkeys([head, *(s.strip() for s in extra.split(",") if s.strip())]))
        out.append(Noun(phrase, synonyms, materials.strip().replace("-", "")))
    return tuple(out)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _names(text: str) -> tuple[str, ...]:
    return tuple(" ".join(n.split()) for n in text.replace("\n", ";").split(";") if n.strip())


# -- adjectives ---------------------------------------------------------------------------------

MATERIALS = {
    "m": _words("iron brass copper bronze pewter silver tin steel gilt nickel zinc chrome "
                "gunmetal aluminium wrought cast"),
    "w": _words("oak ash beech birch cedar ebony walnut elm maple mahogany teak rosewood yew "
                "boxwood cherrywood driftwood bamboo willow pine applewood sandalwood hazel"),
    "c": _words("linen woollen silk cotton velvet felt tweed canvas muslin satin lace burlap "
                "corduroy flannel damask calico gingham chiffon denim hessian brocade"),
    "g": _words("glass crystal frosted smoked leaded bottle cut milky"),
    "p": _words("parchment vellum paper cardboard rag tissue manila"),
    "s": _words("marble granite slate alabaster soapstone jade onyx flint sandstone basalt "
                "limestone porphyry obsidian jasper"),
    "l": _words("leather suede calfskin pigskin sealskin goatskin oilskin doeskin buckskin"),
    "k": _words("porcelain earthenware stoneware terracotta china bisque faience enamel "
                "majolica celadon"),
    "b": _words("bone horn ivory antler tortoiseshell whalebone shell coral amber"),
    "r": _words("plastic rubber acrylic vinyl nylon resin bakelite celluloid polymer carbon"),
    "v": _words("wicker rattan straw rush cane raffia seagrass"),
}
COLOURS = _words("""
    crimson scarlet vermilion maroon ochre saffron mustard lemon olive emerald viridian teal
    turquoise cyan cerulean cobalt azure navy indigo ultramarine violet lilac mauve magenta
    fuchsia puce rose salmon peach apricot tangerine russet umber sienna sepia taupe beige
    khaki fawn chestnut auburn chocolate charcoal pearl ivory cream white black grey red blue
    green yellow orange purple pink brown golden silvery bronzed jet ebon sable""")
COLOURED = "ckgplr"  # materials whose things come in colours
SIZES = _words("""
    tiny small little large huge slender squat stubby miniature outsized oversized compact
    dainty hefty long narrow wide broad tall stout chunky slim bulky petite pocket""")
AGES = _words("""
    old ancient antique vintage modern new weathered timeworn venerable archaic medieval
    victorian georgian edwardian baroque gothic regency tudor elderly youthful recent""")
CONDITIONS = _words("""
    battered dented chipped cracked scratched polished gleaming tarnished rusty dusty grimy
    spotless pristine worn frayed threadbare tattered patched mended faded stained scorched
    singed warped bent buckled lopsided wobbly sturdy flimsy delicate ornate plain carved
    engraved embossed etched painted lacquered varnished enamelled gilded jewelled beaded
    studded inlaid fluted ribbed dimpled speckled mottled striped spotted chequered tartan
    paisley floral monogrammed numbered labelled wrapped curious peculiar ordinary humble
    elegant gaudy garish handsome rustic quaint sleek shabby dingy glossy matte crooked
    knobbly smooth rough heavy weighty featherlight fragile rugged""")
FOOD_ADJECTIVES = _words("""
    ripe crusty sweet fresh golden honeyed spiced toasted glazed buttered sugared candied
    salted smoked pickled roasted baked warm crisp juicy plump small stale bruised mouldy dry
    wrinkled overripe soggy burnt lumpy homemade tiny generous dainty peppery savoury zesty
    fragrant sticky crumbly flaky nutty chewy tangy""")
DOOR_ADJECTIVES = _words("""
    oak iron green red blue black white yellow grey narrow heavy low arched studded panelled
    riveted steel glazed louvred slatted weathered peeling battered reinforced creaky painted
    ironbound cedar rusted dented sturdy flaking varnished teak brass copper massive squat
    tall warped scuffed mossy""")
KEY_ADJECTIVES = _words("""
    iron brass silver copper bronze steel golden rusty tin bone tarnished pitted bent worn
    shiny ornate plain heavy tiny small long slender notched twisted blackened polished
    gilded greasy verdigrised antique battered lucky spare""")
CARD_ADJECTIVES = _words("""
    red blue green yellow white black grey orange purple laminated scuffed cracked bent
    magnetic plastic striped numbered blank spare temporary expired""")
LIGHT_ADJECTIVES = _words("""
    old battered tin brass storm oil dented sooty rusty polished copper pewter iron sturdy
    trusty smoky small heavy portable folding hooded squat tall chipped""")

# -- portable things -------------------------------------------------------------------------------

TRINKETS = _nouns("""
coin:m; candle=taper:-; book=volume,tome:lp; cup:mkgw; scarf=muffler:c; ring:mbs; feather=plume:-;
map=chart:p; bell:mg; seashell=shell:-; spoon:mwb; compass:m; flute=pipe:wmb; mask:wplk; statuette:smkw;
lens:g; ribbon:c; glove:lc; marble:g; whistle:mwb; thimble:mkb; locket:m; quill=pen:-; button:mbwr;
comb:bwr; brooch=pin:mb; bottle=flask:g; horseshoe:m; spindle:w; pebble=stone:-; medal=medallion:m;
figurine:kws; teapot=pot:mk; hourglass=sandglass:gw; pocket watch=watch,timepiece:m; astrolabe:m; sextant:m;
orrery:m; metronome:w; abacus=counter:w; lorgnette=spectacles:mb; snuffbox=box:mwb; netsuke:bw;
scrimshaw=carving:b; barometer=glass:mw; monocle=eyeglass:mg; telescope=spyglass:m; spyglass:m;
magnifying glass=magnifier,glass:mb; inkwell=inkpot:gmk; paperweight=weight:gs; letter opener=opener:mb;
sealing stamp=seal,stamp:mb; wax seal=seal:-; signet ring=ring,signet:m; pendant:mbs; amulet=charm:mbs;
talisman=charm:mbs; rosary=beads:wb; prayer book=book:lp; hymnal=hymnbook,book:lp; almanac=book:p;
ledger=book,accounts:lp; diary=journal:lp; notebook=jotter:lp; sketchbook=book:p; atlas=book:lp;
encyclopedia=book:lp; scroll=roll:pc; envelope=letter:p; postcard=card:p; photograph=photo,picture:p;
daguerreotype=photo,picture:-; cameo=brooch:bs; tiara=diadem,crown:m; circlet=crown:m; crown:m;
sceptre=rod:mw; goblet=chalice,cup:mgk; chalice=cup:mg; tankard=mug:mk; flagon=jug:mk;
jug=pitcher:kg; vase:kg; decanter=carafe:g; carafe:g; saucer=dish:k; teacup=cup:k; mug:k;
eggcup=cup:kw; ladle:mw; whisk:m; colander=strainer:m; sieve=strainer:m; rolling pin=roller:w;
pestle:sw; mortar=bowl:s; nutcracker=cracker:mw; corkscrew:m; bottle stopper=stopper:gr; cork=stopper:-;
trivet:m; salt cellar=cellar:gk; pepper mill=grinder,mill:w; sugar tongs=tongs:m; tongs:m;
thermometer:g; stethoscope:r; syringe:g; scalpel=blade:m; bandage=dressing:c; pill bottle=bottle:gr;
microscope:m; test tube=tube:g; beaker=glass:g; crucible:ks; funnel:gm; pipette=dropper:g;
calculator=adder:r; stopwatch=timer:m; kitchen timer=timer:m; wristwatch=watch:m; cufflink:m;
tiepin=pin:m; hatpin=pin:m; hairbrush=brush:wb; hairpin=pin:mb; fan:cbp; parasol=sunshade:c;
umbrella=brolly:c; walking stick=cane,stick:w; pipe:wb; tobacco pouch=pouch:l; cigar box=box:w;
matchbox=matches:p; tinderbox=tinder:m; flint:-; whetstone=hone:-; penknife=knife:mb; dagger=knife:m;
dirk=dagger,knife:m; sword=blade:m; rapier=sword,blade:m; cutlass=sword:m; hatchet=axe:m;
hammer=mallet:m; mallet:w; chisel:m; awl=bradawl:m; gimlet:m; screwdriver:m; spanner=wrench:m;
wrench:m; pliers:m; trowel:m; hoe:m; sickle:m; scythe:m; pitchfork=fork:m; rake:m; spade=shovel:m;
shovel:m; bucket=pail:mw; sprinkler=rose:m; oilcan:m; paintbrush=brush:w; palette:w;
easel:w; chalk:-; slate:-; ruler=rule:wm; protractor:mr; square rule=square:wr; plumb line=plumb:m;
spirit level=level:wm; measuring tape=tape:c; tape measure=tape:m; sewing needle=needle:m;
darning needle=needle:m; knitting needle=needle:bw; crochet hook=hook:b; bobbin=reel:w;
cotton reel=reel:w; pincushion=cushion:c; pin cushion=cushion:c; tapestry=hanging:-; quilt=blanket,coverlet:c;
blanket=rug:c; shawl=wrap:c; bonnet=hat:cv; bowler hat=bowler,hat:-; top hat=hat:-; tricorn=hat:c;
beret=cap,hat:c; fez=hat:c; turban:c; helmet:m; gauntlet=glove:ml; mitten=glove:c; boot:l;
slipper=shoe:cl; clog=shoe:w; sandal=shoe:l; spur:m; stirrup:m; bridle=harness:l; saddlebag=bag:l;
whip=crop:l; horsewhip=whip:l; lasso=rope:-; rope=cord:-; twine=string:-; chain:m; padlock:m;
anchor:m; oar=paddle:w; paddle:w; lifebuoy=buoy,ring:r; fishing rod=rod:wb; fishhook=hook:m;
harpoon=spear:m; spear=lance:mw; trident=fork:m; bow:w; arrow=shaft:w; quiver:l; slingshot=catapult:wr;
boomerang:w; kite:cp; yoyo:wr; spinning top=top:w; rocking horse=horse:w; hobby horse=horse:w;
doll=dolly:kcw; puppet=marionette:wc; teddy bear=bear,teddy:c; tin soldier=soldier:-; jigsaw=puzzle:wp;
chessman=piece:wb; chessboard=board:ws; domino=tile:bw; dice cup=cup:l; playing card=card:-;
tarot card=card:-; banjo:-; fiddle=violin:-; violin=fiddle:-; ukulele:-; harmonica=mouthorgan:m;
accordion=squeezebox:-; ocarina:k; kazoo:mr; tambourine=timbrel:w; triangle:m; cymbal:m;
drumstick=stick:w; bodhran=drum:wl; castanets:w; tuning fork=fork:m; sheet music=music,score:-;
gramophone record=record,disc:-; cassette=tape:r; floppy disk=disk,floppy:r; compact disc=disc,cd:-;
memory stick=stick,drive:r; usb drive=drive,stick:r; hard drive=drive,disk:m; headphones=headset:r;
earbud:r; smartphone=phone,mobile:-; mobile phone=phone,mobile:-; pager=beeper:r; walkie talkie=radio:r;
transistor radio=radio,wireless:r; camera:mr; binoculars=glasses:m; projector=slide:m; typewriter:m;
stapler:mr; hole punch=punch:m; paperclip=clip:m; bulldog clip=clip:m; rubber stamp=stamp:w;
ink pad=pad:-; fountain pen=pen:m; ballpoint pen=ballpoint,pen:r; pencil:w; crayon:-; eraser=rubber:-;
pencil case=case:lc; clipboard=board:wr; folder=file:p; dossier=file,folder:p; passport=papers:-;
ticket=stub:p; banknote=note:p; purse=pouch:lc; wallet=billfold:l; coin purse=purse:l; key ring=keyring,ring:m;
badge=insignia:m; rosette=ribbon:c; trophy=cup:m; plaque=tablet:mw; figurehead=carving:w;
gargoyle=grotesque:s; bust=sculpture:s; urn:ks; canopic jar=jar:k; scarab=beetle:s; idol=effigy:sw;
totem=carving:w; fetish=charm:wb; dreamcatcher=charm:v; wind chime=chime:mw; music box=box:w;
snow globe=globe:g; globe:-; kaleidoscope:m; stereoscope=viewer:w; zoetrope=drum:m; prism:g;
crystal ball=sphere,orb:-; orb=sphere:gs; geode=stone:-; fossil=ammonite:-; ammonite=fossil:-;
arrowhead=point:s; trilobite=fossil:-; meteorite=rock:-; nugget:-; ingot=bar:m; gemstone=gem,jewel:-;
sapphire=gem,jewel:-; ruby=gem,jewel:-; garnet=gem,jewel:-; opal=gem,jewel:-; topaz=gem,jewel:-;
pearl=gem:-; acorn=nut:-; pinecone=cone:-; conker=nut:-; bird nest=nest:v; eggshell=shell:-;
hornet nest=nest:-; antler:-; tusk=ivory:-; claw=talon:-; skull=cranium:-; jawbone=bone:-; wishbone=bone:-;
tooth=fang:-; horn=bugle:mb; bugle=horn:m; conch=shell:-; starfish=star:-; sea urchin=urchin:-;
sand dollar=dollar:-; sponge:-; bellows:lw; fire iron=poker:m; poker:m; warming pan=pan:m;
frying pan=skillet,pan:m; skillet=pan:m; saucepan=pan:m; kettle:m; cauldron=pot:m; trencher=platter:w;
platter=plate:mkw; plate=dish:k; tureen=bowl:k; gravy boat=boat:k; butter dish=dish:kg; toast rack=rack:m;
napkin ring=ring:mw; napkin=serviette:c; tablecloth=cloth:c; doily=mat:p; coaster=mat:wr; candle snuffer=snuffer:m;
candle stub=stub,candle:-; wick:-; nightcap=cap:c; handkerchief=hanky:c; apron=pinafore:c; smock=tunic:c;
waistcoat=vest:c; cravat=tie:c; bow tie=tie:c; necktie=tie:c; cummerbund=sash:c; sash:c; belt=girdle:l;
buckle=clasp:m; suspenders=braces:c; spectacles=glasses:mb; goggles:l; eyepatch=patch:l; wig=hairpiece:-;
false beard=beard:-; rattle:wr; teething ring=ring:r; bib:c; pram blanket=blanket:c; hot water bottle=bottle:r;
bedpan=pan:m; chamber pot=pot:k; washboard=board:w; clothes peg=peg:w; clothespin=peg:w;
flat iron=iron:m; mangle handle=handle:m; feather duster=duster:-; dustpan=pan:m; broom=besom:-;
besom=broom:-; mop:-; scrubbing brush=brush:w; soap dish=dish:k; shaving brush=brush:b; razor:mb;
strop=strap:l; vanity mirror=mirror:mw; compact mirror=compact,mirror:m; powder puff=puff:c;
perfume bottle=bottle,scent:g; atomiser=spray:g; lipstick:m; hairnet=net:-; curling tongs=tongs:m;
sponge bag=bag:c; toothbrush=brush:b; flannel=washcloth:c; loofah=sponge:-; pumice=stone:-;
horn spoon=spoon:-; bottle opener=opener:m; tin opener=opener:m; cheese grater=grater:m;
grater:m; egg timer=timer:g; cookie cutter=cutter:m; piping bag=bag:c; meat cleaver=cleaver:m;
cleaver:m; carving fork=fork:m; fish slice=slice:m; spatula:wm; butter churn=churn:w; milk pail=pail:m;
milking stool=stool:w; cowbell=bell:m; sheep bell=bell:m; shepherd crook=crook:w; ear trumpet=trumpet:mb;
pince nez=nez:m; hip flask=flask:m; canteen=flask:m; water bottle=bottle:mr; thermos=flask:m;
lunchbox=box:mr; tiffin tin=tiffin,tin:m; sandwich tin=tin:m; biscuit tin=tin:m; tea caddy=caddy:wm;
spice jar=jar:g; jam jar=jar:g; mason jar=jar:g; ink bottle=bottle:g; medicine bottle=bottle,phial:g;
phial=vial:g; vial=phial:g; ampoule=vial:g; flask=bottle:g; retort=flask:g; alembic=still:gm;
bunsen burner=burner:m; tripod:m; magnet:m; horseshoe magnet=magnet:m; lodestone=magnet:-;
voltmeter=meter:r; fuse=cartridge:g; battery=cell:-; bulb:g; valve=tube:g; vacuum tube=tube,valve:g;
circuit board=board:-; microchip=chip:-; transistor:-; soldering iron=iron:m; multimeter=meter:r;
gearwheel=gear,cog:m; cogwheel=cog,gear:m; sprocket=cog:m; spring=coil:m; piston:m; crankshaft=crank:m;
camshaft=shaft:m; flywheel=wheel:m; ball bearing=bearing:m; washer:m; bolt:m; rivet:m; hinge:m;
doorknob=knob:mk; door knocker=knocker:m; bellpull=cord:c; weathervane=vane:m; sundial=dial:ms;
lantern slide=slide:g; film reel=reel:m; negative=film:-; tintype=photo:-; locket portrait=portrait:-;
miniature portrait=portrait:-; silhouette=portrait:p; woodcut=print:-; etching=print:-; lithograph=print:-;
engraving=print:-; watercolour=painting,picture:-; sampler=embroidery:c; embroidery hoop=hoop:w;
lace bobbin=bobbin:b; shuttle:w; distaff=staff:w; whorl=spindle:w; skein=yarn,wool:-;
hank=yarn:-; fleece=wool:-; sheepskin=skin,fleece:-; bearskin=skin,pelt:-;
foxtail=tail,brush:-; peacock feather=feather:-; quill pen=quill,pen:-; goose feather=feather:-;
birdcage=cage:mv; mousetrap=trap:w; fly swatter=swatter:r; butterfly net=net:-; jam pot=pot:k;
honeypot=pot:k; bee skep=skep:v; smoker:m; beeswax block=beeswax,block:-; tallow candle=candle:-
""")

FOODS = _nouns("""
apple; pear; loaf=bread; cheese; plum; biscuit=cookie; fig; pie; carrot; peach; muffin; turnip;
radish; cake=sponge; quince; medlar; damson; greengage; apricot; nectarine; clementine; satsuma;
kumquat; persimmon; pomegranate; mango; papaya; lychee; guava; date; bun; crumpet; scone;
bannock; oatcake; pretzel; bagel; croissant; brioche; baguette=bread; flapjack; shortbread;
gingerbread; macaroon; meringue; eclair; doughnut; pasty; samosa; dumpling; sandwich; sausage;
gherkin=pickle; parsnip; beetroot; cucumber; tomato; potato; onion; leek; mushroom; truffle;
chestnut; walnut=nut; hazelnut=nut; almond=nut; pastry; strudel; turnover; custard tart=tart;
jam tart=tart; treacle tart=tart; mince pie=pie; pork pie=pie; pie crust=crust; rice cake=cake;
sponge cake=cake,sponge; fruitcake=cake; teacake=cake; cupcake=cake; wafer; waffle; pancake;
crepe; omelette; boiled egg=egg; egg; drumstick=chicken; chicken leg=leg,chicken; ham hock=ham;
cheese wedge=wedge,cheese; cheddar=cheese; camembert=cheese; brie=cheese; stilton=cheese; gouda=cheese;
honeycomb=honey; toffee=sweet; fudge=sweet; nougat=sweet; marzipan=sweet; humbug=sweet;
lollipop=sweet; gobstopper=sweet; liquorice=sweet; chocolate bar=chocolate,bar; praline=sweet;
truffle cake=cake; bramble=blackberry; blackberry=berry; strawberry=berry; gooseberry=berry;
raspberry=berry; cranberry=berry; elderberry=berry; cherry; grapefruit=fruit; lemon; orange;
melon; watermelon=melon; banana; pineapple; coconut; avocado; artichoke; asparagus=spear;
cabbage; cauliflower; sprout; pumpkin; squash; courgette; aubergine; pepper; chilli; corncob=corn;
granola bar=bar; energy bar=bar; protein bar=bar; cracker; crispbread=cracker; breadstick=stick;
pita=bread; naan=bread; tortilla=wrap; burrito=wrap; taco; sushi roll=roll,sushi; spring roll=roll;
sausage roll=roll; bread roll=roll; hot cross bun=bun; rock cake=cake; eccles cake=cake
""")

KEYS = _nouns("""
key; skeleton key=key:m; latchkey=key:m; door key=key:m; mortice key=key:m; barrel key=key:m;
warded key=key:m; cabinet key=key:m; padlock key=key:m; master key=key,passkey:m; passkey=key:m;
winding key=key:m; tumbler key=key:m; cellar key=key:m; gate key=key:m; church key=key:m; strongroom key=key:m;
cupboard key=key:m; chest key=key:m; bit key=key:m; pin key=key:m; lever key=key:m; rune key=key:m;
bow key=key:m; trunk key=key:m; dungeon key=key:m; vault key=key:m; tower key=key:m; garden key=key:m
""")
CARDS = _nouns("""
keycard=card,key:-; key card=card,key:-; swipe card=card,key:-; access card=card,key:-;
security badge=card,badge:-; key fob=fob,key:-; smart card=card,key:-; proximity card=card,key:-
""")

LIGHTS = _nouns("""
lantern=lamp; lamp=lantern; torch=flashlight; candlestick=candle; oil lamp=lamp,lantern;
storm lantern=lantern,lamp; hurricane lamp=lamp,lantern; flashlight=torch; candle lantern=lantern,lamp;
carbide lamp=lamp; bullseye lantern=lantern,lamp; paraffin lamp=lamp; headlamp=lamp,torch;
penlight=torch; candelabrum=candelabra,candles; taper stick=taper,candle; rushlight=candle;
flambeau=brand; pocket torch=torch,flashlight; glowstick=stick; safety lamp=lamp; ship lantern=lantern,lamp;
camping lantern=lantern,lamp; tilley lamp=lamp; signal lamp=lamp,lantern; bicycle lamp=lamp;
chamberstick=candle,candlestick; railway lantern=lantern,lamp; kerosene lamp=lamp
""")

# -- fixtures: containers, supporters, doors -----------------------------------------------------

CONTAINERS = _nouns("""
chest:wm; box:wm; crate:w; casket:wm; basket:v; trunk:wl; cabinet:wm; jar:kg; coffer:wm;
hamper:v; urn:ks; satchel:lc; wardrobe:w; armoire=wardrobe:w; cupboard:w; sea chest=chest:w;
strongbox=box:m; lockbox=box:m; footlocker=locker,trunk:wm; safe:m; bread bin=bin:m; coal scuttle=scuttle:m;
barrel=cask:w; cask=barrel:w; keg=barrel:w; tub=vat:w; vat=tub:w; bin:mr; locker:m; filing cabinet=cabinet:m;
toolbox=box:m; tackle box=box:m; sewing box=box:w; jewellery box=box:wl; blanket box=box:w;
linen press=press:w; kist=chest:w; amphora=jar:k; display case=case,cabinet:g; vitrine=case,cabinet:g;
reliquary=shrine:m; cash box=box:m; deed box=box:m; hatbox=box:p; portmanteau=case:l; valise=case,bag:l;
steamer trunk=trunk:wl; carpetbag=bag:c; holdall=bag:c; knapsack=pack,bag:c; rucksack=pack,bag:c;
duffel bag=bag,duffel:c; pannier=basket:v; creel=basket:v; trug=basket:w; laundry basket=basket:v;
log basket=basket:v; coal bunker=bunker:m; grain bin=bin:w; tool chest=chest:wm; medicine cabinet=cabinet:w;
cool box=box,cooler:r; refrigerator=fridge:-; fridge=refrigerator:-; oven=stove:m; bread oven=oven:s;
mailbag=sack,bag:c; sack=bag:c; letterbox=postbox:m; pillar box=postbox:m; ballot box=box:w; alms box=box:w;
poor box=box:w; collection box=box:w; tithe chest=chest:w; water butt=butt:w; ottoman:c;
bread crock=crock:k; crock=pot:k; pithos=jar:k; cistern=tank:m; tank:m; hopper=bin:w; silo=bin:m;
drawer=drawers:w; dresser drawer=drawer:w; writing box=box:w; tea chest=chest:w;
packing crate=crate:w; shipping container=container:m; skip=bin:m; dumpster=bin:m; wheelie bin=bin:r;
recycling bin=bin:r; pedal bin=bin:m; kitbag=bag:c; sea bag=bag:c; bandbox=box:p; gun case=case:wl;
instrument case=case:l; violin case=case:l; guitar case=case:l; briefcase=case:l; attache case=case:l;
suitcase=case:l; hope chest=chest:w; dowry chest=chest:w; muniment chest=chest:w; bible box=box:w;
pyx=box:m; tabernacle=shrine:w; ark=chest:w; cenotaph=tomb:s; sarcophagus=coffin:s; ossuary=box:s;
coffin=casket:w; bier=box:w; kiln=oven:s; furnace=stove:m; dishwasher=washer:m; washing machine=washer:m;
tumble dryer=dryer:m; microwave=oven:m; server cabinet=cabinet:m; cash register=register,till:m;
till=drawer:m; vending machine=machine:m; pigeon loft=loft:w; kennel:w; hutch:w; rabbit hutch=hutch:w;
coop=henhouse:w; beehive=hive:w; wine rack=rack:w; cellaret=cabinet:w; tantalus=stand:w; humidor=box:w;
canteen box=box:w; cutlery box=box:w; spice box=box:w; salt box=box:w; knife box=box:w; tinder chest=chest:w
""")

SUPPORTERS = _nouns("""
table:ws; shelf:wm; bench:ws; desk:w; pedestal:sw; altar:s; counter:wsm; mantelpiece=mantel:ws;
workbench=bench:w; sideboard:w; ledge:s; windowsill=sill:sw; plinth:s; trestle=table:w; lectern:wm;
stool:w; dresser:w; washstand=stand:w; nightstand=table:w; bedside table=table:w; console table=table:w;
card table=table:w; dining table=table:w; kitchen table=table:w; refectory table=table:w;
potting bench=bench:w; bar:w; plant stand=stand:wm; chopping block=block:w; anvil:m; drafting table=table:w;
chart table=table:w; bookcase=shelves:w; bookshelf=shelf:w; wall shelf=shelf:w; slab:s; dais=platform:sw;
podium=stand:w; rostrum=platform:w; credenza:w; buffet=sideboard:w; trolley=cart:m; tea trolley=trolley:w;
cart:w; ironing board=board:w; billiard table=table:w; writing desk=desk:w; escritoire=desk:w;
davenport=desk:w; whatnot=stand:w; gateleg table=table:w; tripod table=table:w; pier table=table:w;
side table=table:w; hall table=table:w; kitchen counter=counter:s; shop counter=counter:w; lab bench=bench:r;
operating table=table:m; butcher block=block:w; pew=bench:w; settle=bench:w; chaise=couch:c;
sofa=couch,settee:c; settee=sofa,couch:c; daybed=bed:w; bunk=bed:w; bed:w; hammock:c; cot:w;
piano=pianoforte:w; harpsichord:w; organ console=console:w; mangle=wringer:m; sawhorse=trestle:w;
cutting table=table:w; loom:w; spinning wheel=wheel:w; potter wheel=wheel:s; hearthstone=hearth:s;
gravestone=headstone:s; tombstone=stone:s; mounting block=block:s; milestone=stone:s; tree stump=stump:-;
boulder=rock:-; crate stack=stack:w; pallet:w; filing shelf=shelf:m; steel shelving=shelving:-;
server rack=rack:m; equipment rack=rack:m; conveyor belt=conveyor,belt:r; checkout desk=desk:w;
reception desk=desk:w; teacher desk=desk:w; workstation=desk:w; drawing board=board:w; music stand=stand:m
""")

DOORS = _nouns("""
door; gate; hatch; grille=grate; portcullis=gate; trapdoor=hatch; wicket=gate; postern=door;
shutter; hatchway=hatch; bulkhead=hatch; partition=screen; turnstile=gate; security door=door;
fire door=door; stable door=door; garden gate=gate; sliding door=door; roller shutter=shutter;
lych gate=gate; cell door=door; service hatch=hatch; blast door=door; screen door=door;
french window=window; secret panel=panel; grating=grille; barrier; wicket gate=gate,wicket;
cellar flap=flap; scullery door=door; bookcase door=bookcase; airlock=hatch; cage door=door;
iron railing gate=gate; stockade gate=gate; drawbridge=bridge; sally port=port,door; hatch cover=cover
""")

# -- rooms and their prose ------------------------------------------------------------------------

ROOMS = _names("""
Kitchen; Larder; Library; Gallery; Cellar; Attic; Greenhouse; Workshop; Chapel; Armoury; Pantry;
Scullery; Conservatory; Observatory; Boathouse; Stable; Forge; Courtyard; Vault; Bedchamber; Nursery;
Solar; Buttery; Cloister; Belfry; Crypt; Dovecote; Orangery; Parlour; Music Room; Map Room;
Wine Cellar; Herb Garden; Laundry; Smokehouse; Apothecary; Weaving Room; Clock Tower; Guardroom;
Summerhouse; Icehouse; Signal Box; Vestry; Server Room; Sacristy; Undercroft; Chancery; Counting House;
Still Room; Brewhouse; Bakehouse; Dairy; Creamery; Granary; Hayloft; Tack Room; Coach House;
Carriage House; Gatehouse; Barbican; Keep; Great Hall; Long Gallery; Minstrel Gallery; Withdrawing Room;
Drawing Room; Morning Room; Breakfast Room; Dining Room; Ballroom; Billiard Room; Smoking Room;
Gun Room; Trophy Room; Boot Room; Mud Room; Cloakroom; Dressing Room; Powder Room; Bathroom;
Washroom; Boudoir; Oratory; Scriptorium; Chapter House; Refectory; Dormitory; Infirmary; Almonry;
Calefactory; Lavatorium; Slype; Cellarium; Warming Room; Scrivenery; Archive; Muniment Room; Strongroom;
Treasury; Mint; Assay Office; Counting Room; Ledger Room; Post Room; Sorting Office; Telegraph Office;
Switchboard Room; Radio Shack; Control Room; Engine Room; Boiler Room; Pump House; Power Station;
Substation; Generator Shed; Battery Room; Lamp Room; Lantern Room; Watch Room; Chart Room; Wheelhouse;
Galley; Mess Deck; Wardroom; Forecastle; Orlop Deck; Bilge; Hold; Captain Cabin; Sail Loft; Ropewalk;
Chandlery; Customs House; Harbour Office; Net Loft; Fish Cellar; Boatshed; Slipway; Lock Keeper Cottage;
Toll House; Waiting Room; Ticket Office; Booking Hall; Parcels Office; Lamp Store; Goods Shed;
Engine Shed; Turntable Pit; Water Tower; Platform Buffet; Left Luggage; Staff Canteen; Break Room;
Copy Room; Mail Room; Stationery Cupboard; Open Office; Corner Office; Boardroom; Meeting Room;
Reception; Lobby; Atrium; Foyer; Vestibule; Porch; Portico; Loggia; Veranda; Sunroom; Garden Room;
Potting Shed; Tool Shed; Woodshed; Coal Hole; Root Cellar; Cold Store; Game Larder; Meat Store;
Cheese Room; Bottle Store; Wine Vault; Tasting Room; Brewery; Maltings; Oast House; Hop Kiln; Cider Barn;
Threshing Barn; Tithe Barn; Cowshed; Milking Parlour; Piggery; Henhouse; Kennels; Mews; Falconry;
Aviary; Menagerie; Grotto; Folly; Belvedere; Gazebo; Pavilion; Bandstand; Pergola; Arbour; Maze Centre;
Walled Garden; Kitchen Garden; Physic Garden; Rose Garden; Knot Garden; Fernery; Palm House; Vinery;
Peach House; Pinery; Mushroom House; Bothy; Gardener Lodge; Lodge; Porter Lodge; Keeper Cottage;
Shepherd Hut; Charcoal Hut; Sawmill; Watermill; Windmill; Millrace; Grain Loft; Flour Store; Tannery;
Dye House; Fulling Mill; Spinning Room; Loom Shed; Pottery; Kiln Room; Glasshouse; Glassworks;
Foundry; Smithy; Farrier Shop; Wheelwright Shop; Cooperage; Joinery; Carpentry Shop; Print Shop;
Bindery; Typesetting Room; Darkroom; Studio; Atelier; Sculpture Hall; Plaster Room; Picture Store;
Conservation Lab; Laboratory; Chemistry Lab; Specimen Room; Dissecting Room; Anatomy Theatre;
Lecture Hall; Classroom; Common Room; Staff Room; Headmaster Study; Reading Room; Periodicals Room;
Stacks; Rare Books Room; Map Library; Index Room; Card Catalogue; Microfilm Room; Records Office;
Registry; Court Room; Judge Chambers; Jury Room; Holding Cell; Interview Room; Evidence Locker;
Armoury Store; Drill Hall; Barracks; Quartermaster Store; Officers Mess; Sentry Post; Guard Post;
Watchtower; Lookout; Battlements; Ramparts; Sally Port; Postern Passage; Murder Hole; Dungeon;
Oubliette; Torture Chamber; Gaol; Lock Up; Cell Block; Exercise Yard; Laundry Yard; Stable Yard;
Inner Ward; Outer Bailey; Bailey; Motte; Chapel Royal; Lady Chapel; Chantry; Baptistery; Nave; Apse;
Transept; Choir Loft; Organ Loft; Bell Chamber; Ringing Chamber; Spire Stair; Charnel House; Ossuary;
Mausoleum; Catacomb; Tomb Chamber; Burial Vault; Antechamber; Audience Chamber; Throne Room;
Privy Chamber; Presence Chamber; Council Chamber; Robing Room; Wardrobe Room; Linen Room; Sewing Room;
Ironing Room; Drying Room; Boot Hall; Servants Hall; Housekeeper Room; Butler Pantry; Silver Room;
Lamp Cupboard; Plate Room; China Closet; Flower Room; Gift Shop; Tea Room; Cafe; Canteen; Kitchenette;
Utility Room; Plant Room; Lift Shaft; Stairwell; Landing; Corridor; Passage; Gallery Landing; Mezzanine;
Loft; Garret; Box Room; Spare Room; Guest Room; Nursery Wing; Playroom; Schoolroom; Den; Snug; Study Nook;
Inglenook; Hearth Room; Great Kitchen; Scullery Passage; Cold Larder; Ice Pit; Wellhouse; Cistern Room;
Bathhouse; Steam Room; Plunge Pool; Changing Room; Gymnasium; Fencing Salle; Racquet Court; Boathouse Loft;
Tower Room; Turret; Cupola; Widow Walk; Observation Deck; Telescope Dome; Weather Station;
Radio Room; Cipher Room; Map Store; Drafting Office; Model Room; Testing Bay; Loading Bay; Warehouse;
Stockroom; Back Office; Shop Floor; Showroom; Fitting Room; Pharmacy; Dispensary; Surgery; Waiting Hall;
Ward; Sluice Room; Operating Theatre; Recovery Room; Morgue; Chapel of Rest; Mortuary; Boiler House;
Incinerator Room; Sewer Junction; Culvert; Storm Drain; Pump Chamber; Valve Room; Tunnel Junction;
Mine Shaft; Pithead; Lamp Cabin; Winding House; Powder Magazine; Blasting Store; Ore Floor; Assay Lab
""")
# Room names with grammar words ('Chapel of Rest') read fine as prose; rooms are not named in commands.

ROOM_MOODS = _words("""
dusty draughty sunlit cramped echoing cluttered tidy chilly musty quiet cosy faded lofty narrow
damp warm gloomy airy spacious stuffy sombre cheerful bare spartan opulent shabby grand humble
vaulted low sagging sweltering frigid dank dim bright hushed neglected orderly chaotic smoky
whitewashed panelled tiled flagstoned carpeted timbered cavernous poky forgotten abandoned
immaculate untidy dishevelled homely austere lavish threadbare mildewed sterile humming""")
ROOM_SMELLS = tuple(w.replace("_", " ") for w in _words("""
woodsmoke beeswax lavender rust bread tallow leather cloves hay mildew vinegar turpentine linseed
ozone camphor brine tar soot sawdust mothballs bleach coffee cinnamon rosemary thyme incense
carbolic lye ink toner machine_oil gunpowder paraffin damp_plaster pipe_tobacco wet_wool
old_paper damp_stone pine_resin wet_earth lamp_oil stale_beer boiled_cabbage fresh_paint
cut_grass warm_dust candle_smoke sea_salt horse_liniment"""))
ROOM_SOUNDS = _names("""
Somewhere a pipe knocks and gurgles.; A clock ticks out of sight.; Wind moans in a chimney.;
The floorboards creak underfoot.; A fan hums behind a grille.; Water drips steadily somewhere.;
Distant voices murmur, then fall silent.; A moth bumps against the ceiling.;
Rain patters against a small window.; Something scuttles behind the skirting.;
The walls tick as they cool.; A faint electric buzz hangs in the air.;
Gulls cry somewhere far off.; Pigeons shuffle in the rafters.; A bell tolls, a long way away.
""")
ROOM_FEATURES = _names("""
Cobwebs drape the corners of the ceiling.; A threadbare rug covers part of the floor.;
Faded portraits watch from the walls.; A narrow window lets in a thin grey light.;
Someone has scratched tally marks by the doorway.; A cold hearth holds the ashes of an old fire.;
Ivy has crept in through a crack in the wall.; Pale squares on the wallpaper show where pictures hung.;
A draught stirs the dust along the skirting.; Whitewash flakes from the low ceiling.;
A row of brass hooks runs along one wall, all empty.; The flagstones are worn into shallow dips.;
A calendar, years out of date, curls on a nail.; Tide marks stain the lower walls.;
A dead fern browns in a pot by the window.; Notices in faded ink are pinned by the doorway.;
Strip lights flicker in a long row overhead.; Cables run along the walls in grey trunking.;
The plaster ceiling is patterned with vines.; A stained glass pane throws coloured light across the floor.;
Soot streaks the bricks above a blocked chimney.; Someone has chalked arrows on the floor.;
A mirror, its silver speckled, hangs askew.; The wallpaper peels in long yellow tongues.;
A beam overhead bears a carved date, too worn to read.; A sampler stitched with a proverb hangs by the window.;
Mouse droppings dot the corners.; A spider has strung its web across a high window.;
Scuff marks trail across the floor as if something heavy was dragged.;
Dust sheets are folded in a pile by the wall.; Rows of numbered pegs line the wall.;
A map of the grounds, spotted with damp, is tacked to the wall.
""")
ROOM_TEMPLATES = (
    "A {mood} {room} that smells faintly of {smell}. {feature}",
    "This is the {room}, {mood} and {mood2}. The air carries a hint of {smell}. {feature}",
    "{feature} The {room} is {mood}, and it smells of {smell}.",
    "You stand in a {mood} {room}. {feature} {sound}",
    "The {room} feels {mood}. {sound} {feature}",
    "Whoever kept this {room} left it {mood}. There is a smell of {smell}. {feature}",
    "A {mood2}, {mood} sort of {room}. {sound}",
    "{sound} The {room} around you is {mood}, with a tang of {smell}.",
)
DARK_NOTES = (
    "Without a light, nothing here can be made out.",
    "It is too dark to see anything in here without a lamp.",
    "No daylight reaches this place; bring a light.",
    "Shadows swallow everything here unless you carry a light.",
)

# -- object prose -----------------------------------------------------------------------------------

THING_DETAILS = _names("""
It has seen better days.; It is lighter than it looks.; Its maker's mark has worn away.;
It is cool to the touch.; Someone has scratched initials into it.; It smells faintly of dust.;
It looks as if it has been handled often.; A scrap of string is tied around it.;
It is heavier than it looks.; It is not quite as old as it pretends to be.;
It has a price label, long faded.; It would fit in a pocket, just.; There is a tiny dent on one side.;
It catches the light when it moves.; Nobody seems to have missed it.
""")
THING_TEMPLATES = (
    "A {name}. {detail}",
    "A {name}, small enough to carry.",
    "It is a {name}. {detail}",
    "Just a {name}. {detail}",
    "An ordinary-looking {name}.",
    "The {name} is unremarkable. {detail}",
)
FOOD_TEMPLATES = (
    "A {name} that looks good to eat.",
    "A {name}. It would make a fine snack.",
    "The {name} smells tempting.",
    "A {name}, still edible by the look of it.",
    "Someone has left a {name} here. It could be eaten.",
)
FIXTURE_TEMPLATES = (
    "A {name}.",
    "A {name}, too big to move.",
    "A {name} stands here, solid and heavy.",
    "It is a {name}, built to stay where it is.",
    "A {name}. {detail}",
)
KEY_TEMPLATES = (
    "A {name} with worn teeth.",
    "A {name}. It must open something.",
    "A small {name}.",
    "A {name}, made for one lock only.",
)
LIGHT_TEMPLATES = (
    "A {name}. It could light up a dark room.",
    "A {name}, ready to be lit.",
    "A {name}. With it, dark places need not stay dark.",
)
DOOR_TEMPLATES = (
    "A {name} between the {a} and the {b}.",
    "A {name} leading from the {a} to the {b}.",
    "A {name} separates the {a} from the {b}.",
    "The {name} joins the {a} and the {b}.",
)

# -- goals and titles ----------------------------------------------------------------------------

GOALS_IN = (
    "Put {item} in {place}.", "Leave {item} inside {place}.", "{Item} belongs in {place}.",
    "Stow {item} in {place}.", "See that {item} ends up in {place}.", "Tuck {item} away in {place}.",
    "{Item} should be kept in {place}.", "Return {item} to {place}.", "Find {item} and put it in {place}.",
    "Your task: {item} goes into {place}.",
)
GOALS_ON = (
    "Set {item} on {place}.", "Put {item} on {place}.", "Leave {item} lying on {place}.",
    "{Item} belongs on {place}.", "Display {item} on {place}.", "Rest {item} on top of {place}.",
    "See that {item} ends up on {place}.",
)
GOALS_ROOM = (
    "Leave {item} in the {room}.", "Take {item} to the {room}.",
    "Carry {item} to the {room} and drop it there.", "{Item} belongs in the {room}.",
    "Bring {item} to the {room}.", "Deliver {item} to the {room}.",
)
GOALS_HOLD = (
    "Keep {item} with you.", "Find {item} and hold on to it.", "Carry {item} about with you.",
    "Make sure you have {item}.", "{Item} must stay in your hands.", "Pick up {item} and keep it.",
    "You will need {item}: keep it.", "End up holding {item}.",
)
GOALS_AT = (
    "Then wait in the {room}.", "Finish in the {room}.", "End up in the {room}.",
    "Be in the {room} when all is done.", "Then go to the {room} and stay there.",
    "Meet everyone in the {room} at the end.", "Keep watch in the {room} afterwards.",
    "Your last stop is the {room}.",
)
GOALS_EAT = (
    "Eat {item}.", "You are hungry: eat {item}.", "Finish off {item}.", "Have {item} as a snack.",
    "Make a meal of {item}.", "Eat up {item}.",
)
FORBIDDEN = (
    "Leave {item} alone.", "Do not eat {item}.", "Whatever you do, do not eat {item}: it is poisonous.",
    "Keep away from {item}.", "{Item} is not to be eaten.", "Don't eat {item}; it will make you ill.",
    "{Item} is off limits.", "Nobody may eat {item}.",
)
QUEST_OPENERS = (
    "", "", "There is work to do here.", "Before the day is out:", "A few errands first.",
    "Someone has left things in a muddle.", "Time to tidy up.", "You have been asked a favour.",
)
TITLES = (
    "The {a} {n}", "A {n} of {b} Things", "The House of the {a} {n}", "{n} at Dusk",
    "The {a} Wing", "Beyond the {a} {n}", "Errands at the {a} {n}", "The {n} Inventory",
    "A Tidy {n}", "Back to the {a} {n}",
)
TITLE_A = _words("""
    Silent Sleeping Hidden Forgotten Crooked Gilded Hollow Last Drowned Windswept Salt Copper
    Leaning Shuttered Lamplit Moss Grey Northern Borrowed Second Lower Upper Sunken Rusted""")
TITLE_N = _names("""
    Manor; Mill; Keep; Cottage; Lighthouse; Abbey; Inn; Tower; Archive; Signal Box; Depot; Rectory;
    Grange; Priory; Farmstead; Pumping Station; Observatory; Museum; Boatyard; Foundry; Chateau;
    Vicarage; Laboratory; Warehouse; Almshouse; Hospital; Schoolhouse""")
TITLE_B = _words("Lost Small Borrowed Misplaced Curious Quiet Stray Odd Scattered Mislaid")
